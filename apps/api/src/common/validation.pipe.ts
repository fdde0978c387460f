import { ValidationPipe, type ValidationError as ClassValidationError } from '@nestjs/common';
import { ValidationError, type ValidationErrors } from '@jim/common';

/** Strict DTO validation: exact types (no coercion of "5" to 5), no unknown properties, errors keyed by field path. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}

export function flatten(errors: ClassValidationError[], parent = ''): ValidationErrors {
  const result: ValidationErrors = {};
  for (const error of errors) {
    const path = joinPath(parent, error.property);
    if (error.constraints) {
      result[path] = Object.entries(error.constraints).map(([name, text]) => humanise(name, text, error.property));
    }
    if (error.children?.length) Object.assign(result, flatten(error.children, path));
  }
  return result;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

function humanise(constraint: string, text: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not a known property';
  // class-validator starts messages with the property name; the key already names it.
  return text.startsWith(`${property} `) ? text.slice(property.length + 1) : text;
}
