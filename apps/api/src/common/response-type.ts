import type { Type } from '@nestjs/common';
import { ApiProperty, DECORATORS, type ApiPropertyOptions } from '@nestjs/swagger';

/** A field of a response and whether it may be null (a persistence field map has both). */
export interface ResponseField<K extends string> {
  readonly field: K;
  readonly nullable: boolean;
}

/**
 * The fields of a response that a request DTO also takes, with the OpenAPI schema the request declares for each
 * (type, enum, limits, example, description) — but required, since a response always carries every field, nullable
 * only where the stored value may be null, and without the request's default (nor its mention in the description) or
 * validation. `T` is the type of the values (the stored domain shape); `descriptions` replaces a request's
 * description where a response says more.
 */
export function ResponseFieldsOf<T, K extends keyof T & string>(
  request: Type<unknown>,
  fields: readonly ResponseField<K>[],
  descriptions: { readonly [P in K]?: string } = {},
): Type<Pick<T, K>> {
  abstract class ResponseFields {}
  for (const { field, nullable } of fields) {
    const schema: (ApiPropertyOptions & { default?: unknown }) | undefined = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, request.prototype, field);
    if (!schema) throw new Error(`${request.name}.${field} has no OpenAPI schema to describe the response with`);
    const { default: fallback, nullable: _nullable, required: _required, ...rest } = schema;
    // "(default: x)" tells a client what an absent field becomes; a response has no absent fields.
    const description = descriptions[field] ?? rest.description?.replace(` (default: ${String(fallback)})`, '');
    ApiProperty({ ...rest, description, required: true, ...(nullable && { nullable: true }) } as ApiPropertyOptions)(ResponseFields.prototype, field);
  }
  Object.defineProperty(ResponseFields, 'name', { value: `${request.name}ResponseFields` });
  return ResponseFields as unknown as Type<Pick<T, K>>;
}

/** The property names a DTO class declares for OpenAPI, inherited ones included. */
export function declaredProperties(dto: Type<unknown>): string[] {
  const keys: string[] = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) ?? [];
  return keys.map((key) => key.replace(/^:/, ''));
}
