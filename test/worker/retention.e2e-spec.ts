import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { auditDeletes, deletesPerTransaction, insertChange, insertExecution, insertSchedule, insertSkippedRun } from '../support/history';
import { healthPort, workerEnv } from './worker-harness';

type LogLine = Record<string, any>;

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Retention in a real worker process', () => {
  let t: TestApp;
  let worker: RunningProcess | undefined;
  const history: { schedule: string; other: string; last: string; running: string; recent: string; purged: string[] } = {
    schedule: '',
    other: '',
    last: '',
    running: '',
    recent: '',
    purged: [],
  };

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.db;
    history.schedule = await insertSchedule(db, 'Nightly import');
    for (let i = 0; i < 5; i++) history.purged.push(await insertExecution(db, history.schedule, { status: 'Complete', queuedDaysAgo: 40 + i, steps: 1 }));
    history.purged.push(await insertExecution(db, history.schedule, { status: 'Failed', queuedDaysAgo: 200, steps: 2 }));
    history.recent = await insertExecution(db, history.schedule, { status: 'Failed', queuedDaysAgo: 100, steps: 1 });
    // The schedule's last execution is older than the retention: kept, and listed.
    history.last = await insertExecution(db, history.schedule, { status: 'Complete', queuedDaysAgo: 35, steps: 1 });
    history.other = await insertSchedule(db, 'Stuck export');
    history.running = await insertExecution(db, history.other, { status: 'InProgress', queuedDaysAgo: 400 });
    await insertExecution(db, history.other, { status: 'Failed', queuedDaysAgo: 500 });
    await insertSkippedRun(db, history.schedule, 45);
    for (let version = 1; version <= 4; version++) await insertChange(db, history.schedule, version, 1000 - version);
    await auditDeletes(db, ['schedule_executions', 'schedule_execution_steps']);
  });
  afterAll(async () => {
    await worker?.stop();
    await t.close();
  });

  it('purges what the policy says in batches of at most JIM_RETENTION_BATCH_SIZE, counts it on /metrics and logs each pass', async () => {
    worker = await startWorker(workerEnv(t, { WORKER_HEALTH_PORT: '0', JIM_RETENTION_INTERVAL_SECONDS: '1', JIM_RETENTION_BATCH_SIZE: '2' }));
    const pass = await waitFor(async () => {
      const lines = worker!
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine);
      return lines.find((l) => l.msg === 'Retention pass' && l.purged?.succeeded_executions > 0);
    }, 20_000);
    expect(pass).toMatchObject({
      context: 'Retention',
      level: 'info',
      purged: { succeeded_executions: 5, failed_executions: 2, skipped_runs: 1 },
      batches: { succeeded_executions: 3, failed_executions: 2, skipped_runs: 1 },
      failed: [],
    });

    const remaining: { id: string }[] = await t.db.query(`SELECT id FROM schedule_executions ORDER BY queued_at`);
    expect(remaining.map((r) => r.id)).toEqual([history.running, history.recent, history.last]);
    const [{ steps }] = await t.db.query(`SELECT count(*)::int AS steps FROM schedule_execution_steps`);
    expect(steps).toBe(2);
    const [{ changes }] = await t.db.query(`SELECT count(*)::int AS changes FROM configuration_changes WHERE target_id = $1`, [history.schedule]);
    expect(changes).toBe(4);
    const [{ skipped }] = await t.db.query(`SELECT count(*)::int AS skipped FROM skipped_runs`);
    expect(skipped).toBe(0);
    for (const perTransaction of await deletesPerTransaction(t.db, 'schedule_executions')) expect(perTransaction).toBeLessThanOrEqual(2);

    const metrics = await (await fetch(`http://127.0.0.1:${healthPort(worker)}/metrics`)).text();
    expect(sample(metrics, 'jim_retention_purged_rows_total{target="succeeded_executions"}')).toBe(5);
    expect(sample(metrics, 'jim_retention_purged_rows_total{target="failed_executions"}')).toBe(2);
    expect(sample(metrics, 'jim_retention_purged_rows_total{target="skipped_runs"}')).toBe(1);
    expect(sample(metrics, 'jim_retention_purged_rows_total{target="webhook_deliveries"}')).toBe(0);
  });

  it('the execution list still shows each schedule\'s last execution', async () => {
    const page = await t.api().get(`/api/v1/schedule-executions?scheduleId=${history.schedule}`).expect(200);
    expect(page.body.items.map((e: { id: string }) => e.id)).toEqual([history.last, history.recent]);
    const other = await t.api().get(`/api/v1/schedule-executions?scheduleId=${history.other}`).expect(200);
    expect(other.body.items.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([[history.running, 'InProgress']]);
  });
});
