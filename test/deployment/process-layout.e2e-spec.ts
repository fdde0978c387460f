import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase } from '../support/database';
import { API_ENTRY, startProcess, startWorker, waitFor, type RunningProcess } from '../support/processes';
import { ENCRYPTION_KEY, REDIS_URL, TEST_QUEUE_BACKEND, uniquePrefix } from '../support/test-app';

const MIGRATE_ENTRY = join(__dirname, '..', '..', 'dist/libs/persistence/src/migrate.cli.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The docker-compose layout as plain processes: one-shot migration, an API, two workers, one database, one queue. */
describe('Production process layout', () => {
  let database: { url: string; drop: () => Promise<void> };
  let api: RunningProcess;
  let workers: RunningProcess[] = [];
  let db: Client;
  let port: number;
  const adminKey = 'jim_ak_' + 'c'.repeat(64);

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      QUEUE_BACKEND: TEST_QUEUE_BACKEND,
      ...(TEST_QUEUE_BACKEND === 'redis' ? { REDIS_URL } : {}),
      JIM_QUEUE_PREFIX: uniquePrefix(),
      JIM_ENCRYPTION_KEY: ENCRYPTION_KEY,
      JIM_INFRASTRUCTURE_API_KEY: adminKey,
      PORT: String(port),
      LOG_LEVEL: 'info',
    };
    const migrated = await promisify(execFile)(process.execPath, [MIGRATE_ENTRY], { env: { PATH: process.env.PATH, ...env } });
    expect(migrated.stdout).toMatch(/Applied|up to date/);
    api = await startProcess(API_ENTRY, env, /Listening on/);
    workers = await Promise.all([startWorker(env), startWorker(env)]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all([...workers, api].map((p) => p?.stop()));
    await db?.end();
    await database.drop();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };

  it('shares cron work between the two workers and runs no tick twice', async () => {
    const created = await call('POST', '/api/v1/schedules', {
      name: 'Layout check',
      triggerType: 'Cron',
      patternType: 'Custom',
      cronExpression: '* * * * * *',
      isEnabled: true,
      steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
    });
    expect(created.status).toBe(201);
    // Which free worker takes a step job is up to the queue: wait until both have taken some (at least 8 ticks).
    await waitFor(async () => {
      const { rows } = await db.query(
        `SELECT count(DISTINCT e.id)::int AS n, count(DISTINCT st.worker_id)::int AS workers
         FROM schedule_executions e LEFT JOIN schedule_execution_steps st ON st.execution_id = e.id WHERE e.schedule_id = $1`,
        [created.body.id],
      );
      return rows[0].n >= 8 && rows[0].workers >= 2;
    }, 60_000);
    expect((await call('POST', `/api/v1/schedules/${created.body.id}/disable`)).status).toBe(200);
    const { rows } = await db.query(
      `SELECT e.scheduled_for, count(*)::int AS n, count(DISTINCT st.worker_id)::int AS workers
       FROM schedule_executions e JOIN schedule_execution_steps st ON st.execution_id = e.id
       WHERE e.schedule_id = $1 GROUP BY e.scheduled_for`,
      [created.body.id],
    );
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    const { rows: spread } = await db.query(
      `SELECT count(DISTINCT st.worker_id)::int AS workers FROM schedule_execution_steps st
       JOIN schedule_executions e ON e.id = st.execution_id WHERE e.schedule_id = $1`,
      [created.body.id],
    );
    expect(spread[0].workers).toBe(2);
  }, 120_000);
});
