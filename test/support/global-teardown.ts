import { RUN_PREFIX_ENV, dropDatabase, withAdmin } from './database';

/** Drops every database this run created, and only those. */
export default async function globalTeardown(): Promise<void> {
  const prefix = process.env[RUN_PREFIX_ENV];
  if (!prefix) return;
  const { rows } = await withAdmin((c) =>
    c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}\\_%`]),
  );
  for (const row of rows) await dropDatabase(row.datname);
}
