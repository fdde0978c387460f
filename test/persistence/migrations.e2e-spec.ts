import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrate } from '@jim/persistence';
import { databaseUrl, dropDatabase, withAdmin } from '../support/database';

/**
 * The embedded database serves one session whose search_path starts with BullMQ's schema (`bullmq, public`): every
 * migration must still put the product's objects in `public`, where the queries and the entities expect them.
 */
describe('migrations under a search_path that starts with another schema', () => {
  const name = `${process.env.JIM_TEST_RUN_PREFIX ?? 'jim_test_adhoc'}_mig_${randomBytes(4).toString('hex')}`;
  let db: DataSource;

  beforeAll(async () => {
    await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
    const options = dataSourceOptions({ url: databaseUrl(name), poolSize: 2 });
    db = new DataSource({ ...options, extra: { ...(options.extra as object), options: '-c search_path=bullmq,public' } } as typeof options);
    await db.initialize();
    await db.query(`CREATE SCHEMA bullmq`);
    // TypeORM's own bookkeeping table, where the embedded start has it (created before BullMQ's schema exists).
    await db.query(`CREATE TABLE public.schema_migrations (id SERIAL PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL)`);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(name);
  });

  it('applies every migration and leaves nothing of the product in the first schema of the path', async () => {
    const applied = await migrate(db);
    expect(applied.length).toBeGreaterThan(0);
    const strays: { kind: string; name: string }[] = await db.query(
      `SELECT 'table' AS kind, table_name AS name FROM information_schema.tables WHERE table_schema = 'bullmq'
       UNION ALL SELECT 'function', routine_name FROM information_schema.routines WHERE routine_schema = 'bullmq'
       UNION ALL SELECT 'index', indexname FROM pg_indexes WHERE schemaname = 'bullmq'`,
    );
    expect(strays).toEqual([]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'webhook_deliveries'`);
    expect(n).toBe(1);
  });
});
