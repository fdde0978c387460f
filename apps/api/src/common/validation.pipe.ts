import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { ValidationError as ClassValidationError, type ValidatorOptions } from 'class-validator';
import { ValidationError, type ValidationErrors } from '@jim/common';
import { cacheValidationMetadata } from './validation-metadata-cache';

/** Strict DTO validation: exact types (no coercion of "5" to 5), no unknown properties, errors keyed by field path. */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
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
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return value;
    const reserved = reservedNamePaths(value);
    if (reserved.length === 0) return super.transform(value, metadata);
    // class-transformer drops these names before the unknown-property check sees them: refused here, with whatever
    // else is wrong with the request.
    let errors: ValidationErrors = {};
    try {
      await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof ValidationError) || !error.validationErrors) throw error;
      errors = error.validationErrors;
    }
    // Defined, not assigned: assigning `__proto__` would set the object's prototype instead of adding the key.
    for (const path of reserved) Object.defineProperty(errors, path, { value: ['is not a known property'], enumerable: true, writable: true, configurable: true });
    throw new ValidationError(errors);
  }

  /** class-validator's `@IsOptional()` lets null through; here null passes only where the schema says `nullable`. */
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ClassValidationError[]> {
    const errors = await super.validate(object, options);
    for (const path of nullsOfNonNullableFields(object)) {
      node(errors, path).constraints = { isNotNull: 'must not be null' };
    }
    return errors;
  }
}

/**
 * The names of `Object.prototype`'s members (`__proto__`, `constructor`, `toString`, `valueOf`, ...): no request
 * property has one, and class-transformer drops them before the unknown-property check could see them.
 */
const RESERVED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Paths (as the error body writes them) of the properties of a request named like those members, at any depth. */
function reservedNamePaths(value: unknown, parent = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  const array = Array.isArray(value);
  for (const [key, child] of Object.entries(value)) {
    if (!array && RESERVED_NAMES.has(key)) found.push(joinPath(parent, key));
    else if (child !== null && typeof child === 'object') found.push(...reservedNamePaths(child, array ? `${parent}[${key}]` : joinPath(parent, key)));
  }
  return found;
}

/**
 * Paths of the properties that hold null although their documented schema (`@ApiProperty`) is not nullable, in the
 * request and in its nested request objects. One rule for every DTO, so the OpenAPI document and the checks agree.
 */
function nullsOfNonNullableFields(object: object, parent: string[] = []): string[][] {
  const prototype = (object.constructor as { prototype?: object } | undefined)?.prototype;
  if (!prototype) return [];
  const found: string[][] = [];
  for (const [property, value] of Object.entries(object)) {
    const nullable = nullabilityOf(prototype, property);
    if (nullable === undefined) continue;
    const path = [...parent, property];
    if (value === null) {
      if (!nullable) found.push(path);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item !== null && typeof item === 'object') found.push(...nullsOfNonNullableFields(item as object, [...path, String(index)]));
      });
    } else if (typeof value === 'object' && !(value instanceof Date)) {
      found.push(...nullsOfNonNullableFields(value as object, path));
    }
  }
  return found;
}

/** Per DTO prototype, whether each property with a schema is nullable. */
const nullability = new WeakMap<object, Map<string, boolean>>();

/**
 * Whether the property's schema is nullable; undefined when it has no schema. Decorator metadata is fixed once the
 * classes are loaded, so each property is looked up once, not per request. Properties without a schema are not
 * remembered: a client chooses their names, and the cache must not grow with them.
 */
function nullabilityOf(prototype: object, property: string): boolean | undefined {
  let properties = nullability.get(prototype);
  if (!properties) nullability.set(prototype, (properties = new Map()));
  const known = properties.get(property);
  if (known !== undefined) return known;
  const schema = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) as { nullable?: boolean } | undefined;
  if (!schema) return undefined;
  properties.set(property, schema.nullable === true);
  return schema.nullable === true;
}

/** The error node of a property path, created where class-validator found nothing wrong on the way. */
function node(errors: ClassValidationError[], path: string[]): ClassValidationError {
  let list = errors;
  let current: ClassValidationError | undefined;
  for (const property of path) {
    current = list.find((error) => error.property === property);
    if (!current) {
      current = Object.assign(new ClassValidationError(), { property, children: [] });
      list.push(current);
    }
    current.children ??= [];
    list = current.children;
  }
  return current!;
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
