import { createBenchDatabase } from './support/database';
import { serviceEnv, uniquePrefix } from './support/env';
import { call } from './support/http';
import { runAsCommand, type BenchOptions } from './support/main';
import { startApi, startWorkers, stopAll, waitFor } from './support/processes';
import { cleanupPrefix, redisClient } from './support/queues';
import { Report } from './support/report';
import { fmt, summarise } from './support/stats';

/**
 * Overlap handoff (`npm run bench:policies`), redis queue, one API and two workers as processes: a backfill of N
 * nominal times of a one-step /bin/true schedule runs one after another (the BufferAll path every waiting execution
 * takes); handoff = next execution's started_at − previous execution's completed_at. Also checks that the executions
 * never overlapped and ran in nominal-time order.
 */
const FULL = { executions: 500 };
const CI = { executions: 100 };
const TARGETS = { handoffP50Ms: 20 };

export async function policiesBench({ ci }: BenchOptions): Promise<Report[]> {
  const p = ci ? CI : FULL;
  const report = new Report(ci ? 'policies-ci' : 'policies', ci);
  const db = await createBenchDatabase('policies');
  const redis = redisClient();
  const prefix = uniquePrefix();
  cleanupPrefix(redis, prefix);
  const env = serviceEnv({ databaseUrl: db.url, prefix, backend: 'redis' });
  const api = await startApi(env);
  const workers = await startWorkers(2, env);
  report.data.parameters = { ...p, targets: TARGETS, workers: 2 };

  report.section(`Handoff between executions that wait their turn: a backfill of ${p.executions} one-step /bin/true runs, 2 workers`);
  const created = await call(api.url, 'POST', '/api/v1/schedules', {
    name: 'Handoff',
    triggerType: 'Cron',
    patternType: 'Custom',
    cronExpression: '* * * * *',
    steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true', timeoutSeconds: 60 }],
  });
  if (created.status !== 201) throw new Error(`creating the schedule failed: ${created.status} ${JSON.stringify(created.body)}`);
  const start = new Date(Date.UTC(2026, 0, 1));
  const end = new Date(start.getTime() + p.executions * 60_000);
  const backfill = await call(api.url, 'POST', `/api/v1/schedules/${created.body.id}/backfill`, { startTime: start.toISOString(), endTime: end.toISOString() });
  if (backfill.status !== 202) throw new Error(`backfill failed: ${backfill.status} ${JSON.stringify(backfill.body)}`);
  await waitFor(
    'backfill complete',
    async () => {
      const progress = await call(api.url, 'GET', `/api/v1/schedules/${created.body.id}/backfills/${backfill.body.backfillId}`);
      return progress.body.status === 'Complete';
    },
    p.executions * 1000,
    200,
  );
  const rows: { scheduled_for: Date; started_at: Date; completed_at: Date; status: string }[] = (
    await db.client.query(`SELECT scheduled_for, started_at, completed_at, status FROM schedule_executions WHERE backfill_id = $1 ORDER BY started_at`, [
      backfill.body.backfillId,
    ])
  ).rows;
  const handoffs = rows.slice(1).map((row, i) => row.started_at.getTime() - rows[i].completed_at.getTime());
  const handoff = summarise(handoffs);
  const inOrder = rows.every((row, i) => i === 0 || row.scheduled_for.getTime() > rows[i - 1].scheduled_for.getTime());
  report.line(`handoff p50 ${fmt(handoff.p50)} ms, p99 ${fmt(handoff.p99)} ms, max ${fmt(handoff.max)} ms over ${handoffs.length} handoffs`);
  report.require('every execution completed', rows.length === p.executions && rows.every((r) => r.status === 'Complete'), `${rows.filter((r) => r.status === 'Complete').length}/${p.executions}`);
  report.require('one at a time, in nominal-time order', inOrder && handoffs.every((h) => h >= 0), `min handoff ${fmt(handoff.min)} ms, in order: ${inOrder}`);
  report.target(`handoff p50 ≤ ${TARGETS.handoffP50Ms} ms`, handoff.p50 <= TARGETS.handoffP50Ms, `${fmt(handoff.p50)} ms`);
  report.data.handoffMs = handoff;

  await stopAll([...workers, api]);
  await db.drop().catch((error: unknown) => console.error(`dropping ${db.name}: ${(error as Error).message}`));
  report.write();
  return [report];
}

if (require.main === module) runAsCommand(policiesBench);
