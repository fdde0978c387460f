import type { Client } from 'pg';
import { createBenchDatabase, seedSchedules } from './support/database';
import { nowMs, serviceEnv, sleep, uniquePrefix } from './support/env';
import { runAsCommand, type BenchOptions } from './support/main';
import { startWorkers, stopAll, waitFor } from './support/processes';
import { cleanupPrefix, queueKit, redisClient, schedulerCounter, useRedisHz } from './support/queues';
import { Report } from './support/report';
import { fmt, round, summarise, type Summary } from './support/stats';

/**
 * Retention under load (`npm run bench:retention`).
 *
 * A database holds 1,000,000 purgeable executions (with one step row each, 512-byte output tail; 90 % Complete,
 * 10 % Failed, ended 200 days ago), seeded by SQL on 1,000 archive schedules that also keep one last execution each
 * (kept by the policy). Meanwhile 1,000 schedules fire every 10 s (100 ticks per second, one `/bin/true` step each).
 * Layout (BENCH_RETENTION_LAYOUT): `split` (default, as recommended for this tick rate) — a `firing` worker and a
 * `steps` worker, which runs the purge; `combined` — one worker with both roles. The purge's first pass starts
 * JIM_RETENTION_INTERVAL_SECONDS after start-up, so the same run measures fire lag before the purge (window A), while
 * it runs (B) and after it (C); "without purge" is A and C together, so that a drift over the run does not count for
 * or against the purge. Lag = execution `started_at` − `scheduled_for`. Purge start and end are read from
 * PostgreSQL's deleted-row statistics (polled every 200 ms, flushed about every second); the purge rate is purged
 * executions per second (their step rows go with them). The purge runs with the default settings (1,000 rows a batch,
 * 100 ms between batches); BENCH_RETENTION_BATCH_PAUSE_MS sets another pause.
 */

const FULL = { archiveSchedules: 1000, executionsPerArchive: 1001, firingSchedules: 1000, firstPassSeconds: 60, settleSeconds: 10, afterSeconds: 40 };
const CI: typeof FULL = { archiveSchedules: 100, executionsPerArchive: 201, firingSchedules: 100, firstPassSeconds: 25, settleSeconds: 8, afterSeconds: 10 };
/** The purge may raise fire-lag p99 by at most this much. */
const TARGET_P99_DELTA_MS = 10;
const REDIS_HZ = 100;

async function seedArchive(client: Client, p: typeof FULL): Promise<number> {
  await seedSchedules(client, { count: p.archiveSchedules, namePrefix: 'Archive ', cronSql: 'NULL', triggerType: 'Manual', enabled: false, steps: 0 });
  await client.query(
    `INSERT INTO schedule_executions (id, schedule_id, schedule_name, status, trigger_kind, total_steps, queued_at, started_at, completed_at, initiated_by_type, initiated_by_name)
     SELECT gen_random_uuid(), s.id, s.name, CASE WHEN i % 10 = 0 THEN 'Failed' ELSE 'Complete' END, 'Manual', 1, x.t, x.t, x.t + interval '1 minute', 'System', 'Benchmark seed'
     FROM schedules s CROSS JOIN generate_series(1, $1::int) AS i CROSS JOIN LATERAL (SELECT now() - interval '200 days' + i * interval '1 minute' AS t) x
     WHERE s.name LIKE 'Archive %'`,
    [p.executionsPerArchive],
  );
  await client.query(
    `INSERT INTO schedule_execution_steps (id, execution_id, step_id, step_index, group_ordinal, position, name, step_type, execution_mode,
                                           continue_on_failure, status, started_at, completed_at, exit_code, stdout_tail)
     SELECT gen_random_uuid(), e.id, gen_random_uuid(), 0, 0, 0, 'Step 1', 'Executable', 'Sequential', false,
            CASE WHEN e.status = 'Failed' THEN 'Failed' ELSE 'Completed' END, e.started_at, e.completed_at, 0, repeat('x', 512)
     FROM schedule_executions e`,
  );
  await client.query('VACUUM ANALYZE schedule_executions');
  await client.query('VACUUM ANALYZE schedule_execution_steps');
  return p.archiveSchedules * (p.executionsPerArchive - 1);
}

async function deletedExecutions(client: Client): Promise<number> {
  const { rows } = await client.query(`SELECT n_tup_del::bigint AS n FROM pg_stat_user_tables WHERE relname = 'schedule_executions'`);
  return Number(rows[0]?.n ?? 0);
}

async function lags(client: Client, windows: { from: number; to: number }[]): Promise<Summary> {
  const all: number[] = [];
  for (const { from, to } of windows) {
    const { rows } = await client.query(
      `SELECT extract(epoch FROM (started_at - scheduled_for)) * 1000 AS lag FROM schedule_executions
       WHERE trigger_kind = 'Cron' AND scheduled_for >= $1 AND scheduled_for < $2`,
      [new Date(from), new Date(to)],
    );
    all.push(...rows.map((r: { lag: string }) => Number(r.lag)));
  }
  return summarise(all);
}

/** BENCH_RETENTION_LAYOUT: `split` (a firing worker, and a steps worker that purges) or `combined`. */
function layout(): 'split' | 'combined' {
  return process.env.BENCH_RETENTION_LAYOUT === 'combined' ? 'combined' : 'split';
}

export async function retentionBench({ ci }: BenchOptions): Promise<Report[]> {
  const p = ci ? CI : FULL;
  const report = new Report(ci ? 'retention-ci' : 'retention', ci);
  report.data.parameters = { ...p, layout: layout(), targetP99DeltaMs: TARGET_P99_DELTA_MS, batchSize: 1000, batchPauseMs: Number(process.env.BENCH_RETENTION_BATCH_PAUSE_MS ?? 100), backend: 'redis', redisHz: REDIS_HZ };
  const redis = redisClient();
  const hz = await useRedisHz(redis, REDIS_HZ);
  const db = await createBenchDatabase('retention');
  const prefix = uniquePrefix();
  const removeKeys = cleanupPrefix(redis, prefix);
  const kit = queueKit('redis', prefix, db.url);
  try {
    report.section(
      `Retention: purge ${p.archiveSchedules * (p.executionsPerArchive - 1)} old executions while ${p.firingSchedules / 10} ticks per second fire (${layout() === 'split' ? 'a firing worker and a steps worker that purges' : 'one worker with both roles'})`,
    );
    const seedStarted = Date.now();
    const expected = await seedArchive(db.client, p);
    await seedSchedules(db.client, { count: p.firingSchedules, namePrefix: 'Every ten seconds ', cronSql: `(g % 10)::text || '/10 * * * * *'` });
    const [{ size }] = (await db.client.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)).rows;
    report.line(`seeded ${expected} purgeable executions (+ ${p.archiveSchedules} kept) with their steps in ${round((Date.now() - seedStarted) / 1000)} s; database ${size}`);

    const baseline = await deletedExecutions(db.client);
    const env = (roles: string) =>
      serviceEnv({
        databaseUrl: db.url,
        prefix,
        backend: 'redis',
        extra: {
          JIM_WORKER_ROLES: roles,
          JIM_RETENTION_INTERVAL_SECONDS: String(p.firstPassSeconds),
          ...(process.env.BENCH_RETENTION_BATCH_PAUSE_MS ? { JIM_RETENTION_BATCH_PAUSE_MS: process.env.BENCH_RETENTION_BATCH_PAUSE_MS } : {}),
          JIM_RECONCILE_INTERVAL_SECONDS: '30',
          JIM_SHUTDOWN_GRACE_SECONDS: '5',
        },
      });
    const workers = layout() === 'split' ? [...(await startWorkers(1, env('firing'))), ...(await startWorkers(1, env('steps')))] : await startWorkers(1, env('firing,steps'));
    const purger = workers[workers.length - 1];
    const started = Date.now();
    const counter = await schedulerCounter(kit);
    try {
      await waitFor('job schedulers created', async () => (await counter.count()) >= p.firingSchedules, 120_000, 100);
      // The purge start and end, as PostgreSQL's statistics show them.
      let purgeStart = 0;
      let purgeEnd = 0;
      const deadline = started + p.firstPassSeconds * 1000 + (ci ? 120_000 : 1_200_000);
      while (Date.now() < deadline) {
        const deleted = (await deletedExecutions(db.client)) - baseline;
        if (deleted > 0 && !purgeStart) purgeStart = nowMs();
        if (deleted >= expected) {
          purgeEnd = nowMs();
          break;
        }
        await sleep(200);
      }
      if (!purgeEnd) throw new Error(`the purge did not finish (${(await deletedExecutions(db.client)) - baseline} of ${expected} executions)`);
      await sleep(p.afterSeconds * 1000 + 3000);
      const windowA = { from: started + p.settleSeconds * 1000, to: purgeStart - 2000 };
      const windowB = { from: purgeStart, to: purgeEnd };
      const windowC = { from: purgeEnd + 2000, to: purgeEnd + 2000 + p.afterSeconds * 1000 };
      const beforeOnly = await lags(db.client, [windowA]);
      const afterOnly = await lags(db.client, [windowC]);
      const before = await lags(db.client, [windowA, windowC]);
      const during = await lags(db.client, [windowB]);
      const purgeSeconds = (purgeEnd - purgeStart) / 1000;
      const rate = expected / purgeSeconds;
      const metrics = await (await fetch(`${purger.url}/metrics`)).text();
      const counted = ['succeeded_executions', 'failed_executions'].reduce((n, target) => {
        const line = metrics.split('\n').find((l) => l.startsWith(`jim_retention_purged_rows_total{target="${target}"} `));
        return n + Number(line?.split(' ')[1] ?? 0);
      }, 0);
      const { rows: remaining } = await db.client.query(
        `SELECT count(*)::int AS executions, count(DISTINCT schedule_id)::int AS schedules FROM schedule_executions e
         JOIN schedules s ON s.id = e.schedule_id WHERE s.name LIKE 'Archive %'`,
      );
      const { rows: orphans } = await db.client.query(
        `SELECT count(*)::int AS n FROM schedule_execution_steps st WHERE NOT EXISTS (SELECT 1 FROM schedule_executions e WHERE e.id = st.execution_id)`,
      );

      const result = {
        purged: expected,
        purgeSeconds: round(purgeSeconds, 1),
        rowsPerSecond: Math.round(rate),
        withoutPurge: { lagMs: before, before: { window: [new Date(windowA.from).toISOString(), new Date(windowA.to).toISOString()], lagMs: beforeOnly }, after: { window: [new Date(windowC.from).toISOString(), new Date(windowC.to).toISOString()], lagMs: afterOnly } },
        withPurge: { window: [new Date(windowB.from).toISOString(), new Date(windowB.to).toISOString()], lagMs: during },
        p99DeltaMs: round(during.p99 - before.p99, 2),
        metricsCounted: counted,
        archiveLeft: remaining[0],
      };
      report.data.result = result;
      report.line(`purged ${expected} executions (and as many step rows) in ${fmt(purgeSeconds)} s: ${Math.round(rate)} executions/s`);
      report.line(`fire lag before the purge (${beforeOnly.n} ticks): p50 ${fmt(beforeOnly.p50)} p99 ${fmt(beforeOnly.p99)} max ${fmt(beforeOnly.max)} ms`);
      report.line(`fire lag after the purge  (${afterOnly.n} ticks): p50 ${fmt(afterOnly.p50)} p99 ${fmt(afterOnly.p99)} max ${fmt(afterOnly.max)} ms`);
      report.line(`fire lag without purge, both (${before.n} ticks): p50 ${fmt(before.p50)} p99 ${fmt(before.p99)} max ${fmt(before.max)} ms`);
      report.line(`fire lag during the purge (${during.n} ticks): p50 ${fmt(during.p50)} p99 ${fmt(during.p99)} max ${fmt(during.max)} ms`);
      report.require('every purgeable execution purged, once, and counted on /metrics', counted === expected, `${counted} counted of ${expected}`);
      report.require(
        'each archive schedule keeps its last execution; no step row left behind',
        remaining[0].executions === p.archiveSchedules && remaining[0].schedules === p.archiveSchedules && orphans[0].n === 0,
        `${remaining[0].executions} executions on ${remaining[0].schedules} schedules, ${orphans[0].n} orphan steps`,
      );
      report.require('ticks fired before, during and after the purge', beforeOnly.n > 0 && during.n > 0 && afterOnly.n > 0, `${beforeOnly.n}, ${during.n} and ${afterOnly.n} ticks`);
      report.target(
        `fire-lag p99 during the purge within ${TARGET_P99_DELTA_MS} ms of without`,
        during.p99 - before.p99 <= TARGET_P99_DELTA_MS,
        `${fmt(during.p99)} − ${fmt(before.p99)} = ${fmt(during.p99 - before.p99)} ms`,
      );
    } finally {
      await counter.close();
      await stopAll(workers);
    }
  } finally {
    await removeKeys();
    await db.drop();
    await hz.restore();
  }
  // A run narrowed by hand writes retention.<layout>.pause-<ms>.json, so that it does not replace the default's results.
  const pause = process.env.BENCH_RETENTION_BATCH_PAUSE_MS;
  report.write(pause || layout() !== 'split' ? `${report.name}.${layout()}${pause ? `.pause-${pause}` : ''}.json` : undefined);
  return [report];
}

if (require.main === module) runAsCommand(retentionBench);
