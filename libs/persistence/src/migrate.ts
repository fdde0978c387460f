import type { DataSource } from 'typeorm';

/** Any constant works; it only has to be the same in every process of this product. */
const MIGRATION_LOCK_KEY = 7_345_001;

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so several processes
 * starting at once apply each migration exactly once; the others wait, then find nothing to do.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
