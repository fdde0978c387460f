import { createHash } from 'node:crypto';

const configs = new Map<string, string>();
let enabled = true;

/**
 * Whether `prepared` statements are named (prepared once per connection) or sent as plain statements. Off for a
 * database that runs every connection in one session (the embedded PGlite: a second connection would prepare a
 * name the session has already) and for a connection pooler that does not keep prepared statements. Set once at
 * start-up, before the first query (see `dataSourceOptions`).
 */
export function usePreparedStatements(on: boolean): void {
  enabled = on;
}

/**
 * A fixed statement that runs often, as a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of on every call (node-postgres sends its text only the first time). Planning the product's
 * larger statements (the schedule create, the step transitions) cost PostgreSQL more than running them.
 *
 * Pass the result as the SQL of `query(sql, params)` on a DataSource or EntityManager: TypeORM hands its query
 * argument to node-postgres unchanged, and node-postgres takes a query config `{ name, text }` in place of the text
 * (its `name` is read when the query is made, so `usePreparedStatements(false)` turns every one into a plain
 * statement). The name is derived from the text, so two statements never share one. Only for statements whose text
 * is fixed: each pooled connection keeps every statement it has prepared. PgBouncer in transaction pooling mode
 * needs `max_prepared_statements` (1.21+), or `JIM_DB_PREPARED_STATEMENTS=false`.
 */
export function prepared(text: string): string {
  let config = configs.get(text);
  if (config === undefined) {
    const name = `jim_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    config = Object.defineProperties(
      { text, toString: () => text },
      { name: { get: () => (enabled ? name : undefined), enumerable: true } },
    ) as unknown as string;
    configs.set(text, config);
  }
  return config;
}
