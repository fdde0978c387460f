import { getMetadataArgsStorage } from 'typeorm';

/** A domain field and the column that stores it. */
export interface FieldColumn<F extends string = string> {
  readonly field: F;
  readonly column: string;
}

type Snake<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}`
  : S;

/** A row as the driver returns it: the entity's fields under their snake_case column names. */
export type Row<T> = { [K in keyof T & string as Snake<K>]: T[K] };

export function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The columns an entity declares, in declaration order, without the `except` fields. The entity is the one place a
 * column is declared: statements, row mapping, history snapshots and responses are derived from this list. Columns
 * are named after their fields in snake_case (checked here, so a renamed column fails at start-up, not in a query).
 */
export function fieldMap<T, F extends keyof T & string>(entity: new () => T, except: readonly (keyof T & string)[] = []): FieldColumn<F>[] {
  return getMetadataArgsStorage()
    .columns.filter((column) => column.target === entity && !except.includes(column.propertyName as keyof T & string))
    .map((column) => {
      const name = column.options.name ?? column.propertyName;
      if (name !== snakeCase(column.propertyName)) {
        throw new Error(`${entity.name}.${column.propertyName} is stored in column ${name}; name it ${snakeCase(column.propertyName)}`);
      }
      return { field: column.propertyName as F, column: name };
    });
}

/** The domain object of a row: each field from its column. */
export function fromRow<T>(fields: readonly FieldColumn<keyof T & string>[], row: Record<string, unknown>): T {
  return Object.fromEntries(fields.map(({ field, column }) => [field, row[column]])) as T;
}

/** The row of a domain object: each column from its field (absent fields are null). */
export function toRow<T>(fields: readonly FieldColumn<keyof T & string>[], value: Partial<T>): Record<string, unknown> {
  return Object.fromEntries(fields.map(({ field, column }) => [column, value[field] ?? null]));
}

/** The fields of `value` named in `fields`, in the map's order. */
export function pickFields<T, F extends keyof T & string>(fields: readonly FieldColumn<F>[], value: T): Pick<T, F> {
  return Object.fromEntries(fields.map(({ field }) => [field, value[field]])) as Pick<T, F>;
}
