import 'reflect-metadata';
import { createDataSource, RetentionRepository } from '@jim/persistence';
import type { DataSource } from 'typeorm';
import { Retention } from '../../apps/worker/src/retention/retention.service';
import { WorkerMetrics } from '../../apps/worker/src/observability/worker-metrics';
import { createTestDatabase } from '../support/database';
import { auditDeletes, daysAgo, deletesPerTransaction, insertChange, insertExecution, insertSchedule, insertSkippedRun } from '../support/history';
import { testConfig } from '../support/test-app';

/** Medium level: one retention pass at a time against a real, migrated PostgreSQL database. */
describe('Retention on PostgreSQL', () => {
  let db: DataSource;
  let drop: () => Promise<void>;

  beforeEach(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDataSource({ url: database.url, poolSize: 4 });
    await db.initialize();
  });
  afterEach(async () => {
    await db.destroy();
    await drop();
  });

  function retention(env: Record<string, string> = {}): { service: Retention; metrics: WorkerMetrics } {
    const config = testConfig({ JIM_RETENTION_BATCH_SIZE: '3', ...env });
    const metrics = new WorkerMetrics();
    return { service: new Retention(db, config, new RetentionRepository(db), metrics), metrics };
  }

  async function ids(table: string): Promise<Set<string>> {
    return new Set((await db.query(`SELECT id::text FROM ${table}`)).map((r: { id: string }) => r.id));
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
    return row.n;
  }

  it('purges by status and age, keeps running executions and each schedule\'s last one, and never touches change history', async () => {
    const a = await insertSchedule(db);
    const purged: string[] = [];
    const kept: string[] = [];
    purged.push(await insertExecution(db, a, { status: 'Complete', queuedDaysAgo: 31, steps: 2 }));
    kept.push(await insertExecution(db, a, { status: 'Complete', queuedDaysAgo: 29, steps: 2 }));
    kept.push(await insertExecution(db, a, { status: 'Failed', queuedDaysAgo: 179 }));
    purged.push(await insertExecution(db, a, { status: 'Failed', queuedDaysAgo: 181, steps: 1 }));
    purged.push(await insertExecution(db, a, { status: 'Cancelled', queuedDaysAgo: 181 }));
    kept.push(await insertExecution(db, a, { status: 'Cancelled', queuedDaysAgo: 100 }));
    kept.push(await insertExecution(db, a, { status: 'InProgress', queuedDaysAgo: 400, steps: 1 }));
    kept.push(await insertExecution(db, a, { status: 'Queued', queuedDaysAgo: 400 }));
    kept.push(await insertExecution(db, a, { status: 'Complete', queuedDaysAgo: 1 }));
    // Only old executions: the last one stays, however old.
    const b = await insertSchedule(db);
    purged.push(await insertExecution(db, b, { status: 'Failed', queuedDaysAgo: 300 }));
    kept.push(await insertExecution(db, b, { status: 'Complete', queuedDaysAgo: 60, steps: 1 }));
    const c = await insertSchedule(db);
    kept.push(await insertExecution(db, c, { status: 'Failed', queuedDaysAgo: 400 }));
    // A deleted schedule's executions have no last one to keep: age alone decides.
    purged.push(await insertExecution(db, null, { status: 'Complete', queuedDaysAgo: 31 }));
    purged.push(await insertExecution(db, null, { status: 'Complete', queuedDaysAgo: 32 }));
    kept.push(await insertExecution(db, null, { status: 'Complete', queuedDaysAgo: 29 }));
    const oldSkip = await insertSkippedRun(db, a, 31);
    const newSkip = await insertSkippedRun(db, a, 29);
    for (let version = 1; version <= 3; version++) await insertChange(db, a, version, 400 - version);

    const { service, metrics } = retention();
    const report = await service.purge();

    const remaining = await ids('schedule_executions');
    expect([...remaining].sort()).toEqual([...kept].sort());
    expect(await count(`SELECT 1 FROM schedule_execution_steps WHERE execution_id = ANY($1::uuid[])`, [purged])).toBe(0);
    expect(await count(`SELECT 1 FROM schedule_execution_steps`)).toBe(2 + 1 + 1);
    expect([...(await ids('skipped_runs'))]).toEqual([newSkip]);
    expect(oldSkip).not.toBe(newSkip);
    expect(await count(`SELECT 1 FROM configuration_changes WHERE target_id = $1`, [a])).toBe(3);
    expect(report).toEqual({
      purged: { succeeded_executions: 3, failed_executions: 3, skipped_runs: 1, webhook_deliveries: 0 },
      // A full batch (3) is followed by one that finds nothing more.
      batches: { succeeded_executions: 2, failed_executions: 2, skipped_runs: 1, webhook_deliveries: 1 },
      keptForEver: [],
      failed: [],
      durationMs: expect.any(Number),
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('jim_retention_purged_rows_total{target="succeeded_executions"} 3');
    expect(text).toContain('jim_retention_purged_rows_total{target="failed_executions"} 3');
    expect(text).toContain('jim_retention_purged_rows_total{target="skipped_runs"} 1');

    // A second pass finds nothing more.
    expect((await service.purge())?.purged).toEqual({ succeeded_executions: 0, failed_executions: 0, skipped_runs: 0, webhook_deliveries: 0 });
  });

  it('deletes at most the batch size per transaction, an execution with its steps in the same one', async () => {
    const s = await insertSchedule(db);
    for (let i = 0; i < 10; i++) await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 40 + i, steps: 2 });
    const last = await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 1, steps: 2 });
    await auditDeletes(db, ['schedule_executions', 'schedule_execution_steps']);

    const report = await retention().service.purge();

    expect(report?.purged.succeeded_executions).toBe(10);
    expect(report?.batches.succeeded_executions).toBe(4);
    expect(await deletesPerTransaction(db, 'schedule_executions')).toEqual([3, 3, 3, 1]);
    expect(await deletesPerTransaction(db, 'schedule_execution_steps')).toEqual([6, 6, 6, 2]);
    expect([...(await ids('schedule_executions'))]).toEqual([last]);
  });

  it('keeps a target for ever at 0 days', async () => {
    const s = await insertSchedule(db);
    const old = await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 4000 });
    await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 1 });
    const skip = await insertSkippedRun(db, s, 4000);

    const report = await retention({ JIM_RETENTION_SUCCEEDED_DAYS: '0', JIM_RETENTION_SKIPPED_DAYS: '0' }).service.purge();

    expect(report?.keptForEver).toEqual(['succeeded_executions', 'skipped_runs']);
    expect((await ids('schedule_executions')).has(old)).toBe(true);
    expect((await ids('skipped_runs')).has(skip)).toBe(true);
  });

  it('purges webhook deliveries by their creation time', async () => {
    const [{ id: webhookId }] = await db.query(
      `INSERT INTO webhooks (id, url, events, is_enabled, secret, created) VALUES (gen_random_uuid(), 'https://receiver.example/hook', '{ExecutionFailed}', true, 'sealed', now()) RETURNING id`,
    );
    await db.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_type, data, status, created_at)
       SELECT gen_random_uuid(), $1, 'ExecutionFailed', '{}', 'Delivered', t FROM unnest($2::timestamptz[]) AS t`,
      [webhookId, [daysAgo(15), daysAgo(20), daysAgo(13)]],
    );

    const { service, metrics } = retention();
    const report = await service.purge();

    expect(report?.purged.webhook_deliveries).toBe(2);
    expect(await count(`SELECT 1 FROM webhook_deliveries WHERE created_at > $1`, [daysAgo(14)])).toBe(1);
    expect(await count(`SELECT 1 FROM webhook_deliveries`)).toBe(1);
    expect(await metrics.registry.metrics()).toContain('jim_retention_purged_rows_total{target="webhook_deliveries"} 2');
  });

  it('passes over rows someone else has locked, and purges them on a later pass', async () => {
    const s = await insertSchedule(db);
    const locked = await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 50 });
    const free = await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 40 });
    const last = await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 1 });
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM schedule_executions WHERE id = $1 FOR UPDATE`, [locked]);

    const { service } = retention();
    const first = await service.purge();
    expect(first?.purged.succeeded_executions).toBe(1);
    expect([...(await ids('schedule_executions'))].sort()).toEqual([locked, last].sort());
    expect(free).not.toBe(locked);

    await holder.commitTransaction();
    await holder.release();
    expect((await service.purge())?.purged.succeeded_executions).toBe(1);
    expect([...(await ids('schedule_executions'))]).toEqual([last]);
  });

  it('gives up a batch that would wait on a lock the engine holds, and goes on with the other targets', async () => {
    const s = await insertSchedule(db);
    const old = await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 50, steps: 1 });
    await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 1 });
    await insertSkippedRun(db, s, 31);
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM schedule_execution_steps WHERE execution_id = $1 FOR UPDATE`, [old]);
    try {
      const report = await retention().service.purge();
      expect(report?.failed).toEqual(['succeeded_executions']);
      expect(report?.purged.skipped_runs).toBe(1);
      expect((await ids('schedule_executions')).has(old)).toBe(true);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('runs one pass at a time: a worker that does not get the turn purges nothing', async () => {
    const s = await insertSchedule(db);
    await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 50 });
    await insertExecution(db, s, { status: 'Complete', queuedDaysAgo: 1 });
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(7345004)`);
    try {
      expect(await retention().service.purge()).toBeNull();
      expect(await count(`SELECT 1 FROM schedule_executions`)).toBe(2);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(7345004)`);
      await holder.release();
    }
  });
});
