import { getMetadataArgsStorage } from 'typeorm';

/** A domain field and the column that stores it. */
export interface FieldColumn<F extends string = string> {
  readonly field: F;
  readonly column: string;
  /** Whether the column may hold null. */
  readonly nullable: boolean;
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
 * The columns an entity declares, without the `except` fields: its own in declaration order, then those it inherits
 * (nearest class first). The entity is the one place a column is declared: statements, row mapping, history
 * snapshots and responses are derived from this list. Columns are named after their fields in snake_case (checked
 * here, so a renamed column fails at start-up, not in a query).
 */
export function fieldMap<T, F extends keyof T & string>(entity: abstract new () => T, except: readonly (keyof T & string)[] = []): FieldColumn<F>[] {
  const columns = getMetadataArgsStorage().columns;
  return classChain(entity)
    .flatMap((target) => columns.filter((column) => column.target === target))
    .filter((column) => !except.includes(column.propertyName as keyof T & string))
    .map((column) => {
      const name = column.options.name ?? column.propertyName;
      if (name !== snakeCase(column.propertyName)) {
        throw new Error(`${entity.name}.${column.propertyName} is stored in column ${name}; name it ${snakeCase(column.propertyName)}`);
      }
      return { field: column.propertyName as F, column: name, nullable: column.options.nullable ?? false };
    });
}

/** The class and its ancestors, nearest first. */
function classChain(entity: abstract new () => unknown): Function[] {
  const chain: Function[] = [];
  for (let target: Function = entity; target !== Function.prototype && target !== Object; target = Object.getPrototypeOf(target)) {
    chain.push(target);
  }
  return chain;
}

/** The domain object of a row: each field from its column. */
export function fromRow<T>(fields: readonly FieldColumn<keyof T & string>[], row: Record<string, unknown>): T {
  // Plain loops: these run for every row read and written, and build no intermediate arrays.
  const value: Record<string, unknown> = {};
  for (const { field, column } of fields) value[field] = row[column];
  return value as T;
}

/** The row of a domain object: each column from its field (absent fields are null). */
export function toRow<T>(fields: readonly FieldColumn<keyof T & string>[], value: Partial<T>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const { field, column } of fields) row[column] = value[field] ?? null;
  return row;
}

/** The fields of `value` named in `fields`, in the map's order. */
export function pickFields<T, F extends keyof T & string>(fields: readonly FieldColumn<F>[], value: T): Pick<T, F> {
  const picked: Partial<Pick<T, F>> = {};
  for (const { field } of fields) picked[field] = value[field];
  return picked as Pick<T, F>;
}
