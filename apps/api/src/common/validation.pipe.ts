import { ValidationPipe, type ArgumentMetadata, type ValidationError as ClassValidationError } from '@nestjs/common';
import { ValidationError, type ValidationErrors } from '@jim/common';

/** Strict DTO validation: exact types (no coercion of "5" to 5), no unknown properties, errors keyed by field path. */
export function createValidationPipe(): ValidationPipe {
  return new BodyAndQueryValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}

/**
 * Route parameters are left to their own pipes (uuidPipe, intIdPipe): the global pipe would otherwise turn
 * "0x10", "1e1" or "+1" into numbers before those pipes see the text.
 */
class BodyAndQueryValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return Promise.resolve(value);
    return super.transform(value, metadata);
  }
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
