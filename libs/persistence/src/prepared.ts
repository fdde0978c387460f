import { createHash } from 'node:crypto';

const configs = new Map<string, string>();

/**
 * A fixed statement that runs often, as a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every call (node-postgres sends its text only the first time). Planning the product's
 * larger statements (the schedule create, the step transitions) costs PostgreSQL more than running them.
 *
 * Pass the result as the SQL of `query(sql, params)` on a DataSource or EntityManager: TypeORM hands its query
 * argument to node-postgres unchanged, and node-postgres takes a query config `{ name, text }` in place of the text.
 * The name is derived from the text, so two statements never share one. Only for statements whose text is fixed
 * (each pooled connection keeps every statement it has prepared); PgBouncer needs `max_prepared_statements` (1.21+)
 * in transaction pooling mode.
 */
export function prepared(text: string): string {
  let config = configs.get(text);
  if (config === undefined) {
    const name = `jim_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    config = { name, text, toString: () => text } as unknown as string;
    configs.set(text, config);
  }
  return config;
}
