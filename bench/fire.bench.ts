import type { Client } from 'pg';
import { burstOfDelayedJobs, delayedJobLag, jobSchedulerLag } from './support/anchors';
import { createBenchDatabase, seedSchedules } from './support/database';
import { serviceEnv, sleep, uniquePrefix, type Backend } from './support/env';
import { runAsCommand, type BenchOptions } from './support/main';
import { startWorkers, stopAll, waitFor } from './support/processes';
import { cleanupPrefix, deletePrefix, queueKit, redisClient, redisHz, redisVersion, schedulerCounter, useRedisHz } from './support/queues';
import { Report } from './support/report';
import { across, fmt, fmtSpread, round, summarise, type Spread, type Summary } from './support/stats';

/**
 * Fire precision and burst (`npm run bench:fire`).
 *
 * Precision: schedules with seconds-level Custom triggers (`N/10 * * * * *`, N = 0..9: every 10 s, a tenth of them
 * due at each second), one `/bin/true` step each, inserted by SQL; a fresh worker's reconciler creates the job
 * schedulers. Lag = execution `started_at` − `scheduled_for` (the nominal fire time). Anchor in the same run:
 * BullMQ's own delayed-job lag (the same number of plain jobs due at each whole second, a worker that does nothing).
 * Both queue backends.
 *
 * Burst: 1,000 schedules due at the same second (`s m h * * *`): time from that second until every execution has
 * started, with 1 and with 2 workers; anchor: 1,000 plain delayed jobs due at one instant.
 */

interface PrecisionCase {
  backend: Backend;
  schedules: number;
}

const FULL = {
  cases: [
    { backend: 'redis', schedules: 1000 },
    { backend: 'redis', schedules: 100 },
    { backend: 'postgres', schedules: 1000 },
    { backend: 'postgres', schedules: 100 },
  ] as PrecisionCase[],
  seconds: 120,
  anchorSeconds: 20,
  delayedAnchorSeconds: 20,
  runs: 3,
  burst: { schedules: 1000, runs: 3, workers: [1, 2] } as { schedules: number; runs: number; workers: number[] } | null,
};
const CI: typeof FULL = { cases: [{ backend: 'redis', schedules: 100 }], seconds: 20, anchorSeconds: 10, delayedAnchorSeconds: 5, runs: 1, burst: null };
const TARGETS = { lagP50Ms: 10, lagP99Ms: 50 };
const REDIS_HZ = 100;
const TICK_CONCURRENCY = 1000;
const RECONCILE_INTERVAL_SECONDS = '5';
/** Ticks not started this long after the window's end are counted as not run. */
const STRAGGLER_WAIT_MS = 60_000;
/** Original system: the scheduler polls for due schedules every 30 s, the worker polls for work every 2 s. */
export const ORIGINAL = { schedulerPollSeconds: 30, workerPollSeconds: 2 };

interface PrecisionRun {
  reconcileMs: number;
  windowStart: string;
  expected: number;
  executions: number;
  skipped: number;
  lagMs: Summary;
  firstStepStartedMs: Summary;
  anchorLagMs: Summary;
  schedulerAnchorLagMs: Summary;
}

async function lagsIn(client: Client, from: number, to: number): Promise<{ lags: number[]; stepLags: number[]; skipped: number }> {
  const { rows } = await client.query(
    `SELECT extract(epoch FROM (e.started_at - e.scheduled_for)) * 1000 AS lag,
            extract(epoch FROM (min(st.started_at) - e.scheduled_for)) * 1000 AS step_lag
     FROM schedule_executions e LEFT JOIN schedule_execution_steps st ON st.execution_id = e.id AND st.group_ordinal = 0
     WHERE e.trigger_kind = 'Cron' AND e.scheduled_for >= $1 AND e.scheduled_for < $2
     GROUP BY e.id`,
    [new Date(from), new Date(to)],
  );
  const [{ n: skipped }] = (await client.query(`SELECT count(*)::int AS n FROM skipped_runs WHERE scheduled_for >= $1 AND scheduled_for < $2`, [new Date(from), new Date(to)])).rows;
  return {
    lags: rows.map((r: { lag: string }) => Number(r.lag)),
    stepLags: rows.filter((r: { step_lag: string | null }) => r.step_lag !== null).map((r: { step_lag: string }) => Number(r.step_lag)),
    skipped,
  };
}

async function windowCounts(client: Client, from: number, to: number): Promise<{ executions: number; skipped: number }> {
  const [{ n, s }] = (
    await client.query(
      `SELECT (SELECT count(*)::int FROM schedule_executions WHERE scheduled_for >= $1 AND scheduled_for < $2) AS n,
              (SELECT count(*)::int FROM skipped_runs WHERE scheduled_for >= $1 AND scheduled_for < $2) AS s`,
      [new Date(from), new Date(to)],
    )
  ).rows;
  return { executions: n, skipped: s };
}

/** BENCH_FIRE_LAYOUT: one combined worker (default) or `split`, a `firing` worker plus a `steps` worker. */
function layout(): 'combined' | 'split' {
  return process.env.BENCH_FIRE_LAYOUT === 'split' ? 'split' : 'combined';
}

/** One run on a fresh database: anchors first (nothing else running), then the product's worker for the window. */
async function precisionRun(c: PrecisionCase, p: typeof FULL, report: Report, run: number): Promise<PrecisionRun> {
  const db = await createBenchDatabase(`fire_${c.backend === 'redis' ? 'r' : 'p'}`);
  await seedSchedules(db.client, { count: c.schedules, namePrefix: 'Every ten seconds ', cronSql: `(g % 10)::text || '/10 * * * * *'` });
  const redis = redisClient();
  const prefix = uniquePrefix();
  const removeKeys = c.backend === 'redis' ? cleanupPrefix(redis, prefix) : async () => undefined;
  const kit = queueKit(c.backend, prefix, db.url);

  const anchorLags = await delayedJobLag(kit, { perSecond: c.schedules / 10, seconds: p.delayedAnchorSeconds, concurrency: TICK_CONCURRENCY });
  const patterns = Array.from({ length: c.schedules }, (_, g) => `${g % 10}/10 * * * * *`);
  const schedulerAnchorLags = await jobSchedulerLag(kit, { patterns, seconds: p.anchorSeconds, concurrency: TICK_CONCURRENCY });

  const started = Date.now();
  const env = (roles: string) =>
    serviceEnv({ databaseUrl: db.url, prefix, backend: c.backend, extra: { JIM_RECONCILE_INTERVAL_SECONDS: RECONCILE_INTERVAL_SECONDS, JIM_SHUTDOWN_GRACE_SECONDS: '5', JIM_WORKER_ROLES: roles } });
  const workers =
    layout() === 'split'
      ? [...(await startWorkers(1, env('firing'))), ...(await startWorkers(1, env('steps')))]
      : await startWorkers(1, env('firing,steps'));
  const counter = await schedulerCounter(kit);
  try {
    await waitFor('job schedulers created', async () => (await counter.count()) >= c.schedules, 120_000, 100);
    const reconcileMs = Date.now() - started;
    const windowStart = Math.ceil((Date.now() + 3000) / 10_000) * 10_000;
    const windowEnd = windowStart + p.seconds * 1000;
    const expected = (c.schedules * p.seconds) / 10;
    await sleep(windowEnd - Date.now() + 2000);
    // Stragglers: wait while they still arrive, at most STRAGGLER_WAIT_MS after the window.
    let counts = await windowCounts(db.client, windowStart, windowEnd);
    for (let previous = -1; counts.executions + counts.skipped < expected && counts.executions !== previous && Date.now() < windowEnd + STRAGGLER_WAIT_MS; ) {
      previous = counts.executions;
      await sleep(5000);
      counts = await windowCounts(db.client, windowStart, windowEnd);
    }
    const { lags, stepLags } = await lagsIn(db.client, windowStart, windowEnd);
    const result: PrecisionRun = {
      reconcileMs,
      windowStart: new Date(windowStart).toISOString(),
      expected,
      executions: counts.executions,
      skipped: counts.skipped,
      lagMs: summarise(lags),
      firstStepStartedMs: summarise(stepLags),
      anchorLagMs: summarise(anchorLags),
      schedulerAnchorLagMs: summarise(schedulerAnchorLags),
    };
    report.line(
      `${c.backend}/${c.schedules} run ${run}: ${result.executions}/${expected} executions (${result.skipped} skipped as overlapping); lag p50 ${fmt(result.lagMs.p50)} p99 ${fmt(result.lagMs.p99)} max ${fmt(result.lagMs.max)} ms; ` +
        `step started p50 ${fmt(result.firstStepStartedMs.p50)} ms | BullMQ delayed jobs p50 ${fmt(result.anchorLagMs.p50)} p99 ${fmt(result.anchorLagMs.p99)} max ${fmt(result.anchorLagMs.max)} ms (${result.anchorLagMs.n}) | ` +
        `BullMQ job schedulers p50 ${fmt(result.schedulerAnchorLagMs.p50)} p99 ${fmt(result.schedulerAnchorLagMs.p99)} max ${fmt(result.schedulerAnchorLagMs.max)} ms (${result.schedulerAnchorLagMs.n})`,
    );
    return result;
  } finally {
    await counter.close();
    await stopAll(workers);
    await removeKeys();
    await db.drop();
  }
}

interface BurstRun {
  workers: number;
  due: string;
  executions: number;
  allStartedMs: number;
  lagMs: Summary;
  allStepsStartedMs: number;
  allCompletedMs: number;
  anchorAllStartedMs: number;
}

async function burstRun(databaseUrl: string, client: Client, count: number, workerCount: number, report: Report, run: number): Promise<BurstRun> {
  const redis = redisClient();
  const prefix = uniquePrefix();
  const removeKeys = cleanupPrefix(redis, prefix);
  const kit = queueKit('redis', prefix, databaseUrl);
  const anchor = await burstOfDelayedJobs(kit, { count, concurrency: TICK_CONCURRENCY, workers: workerCount });

  const due = Math.ceil((Date.now() + 30_000) / 1000) * 1000;
  const at = new Date(due);
  await client.query(`UPDATE schedules SET cron_expression = $1`, [`${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`]);
  const workers = await startWorkers(workerCount, serviceEnv({ databaseUrl, prefix, backend: 'redis', extra: { JIM_RECONCILE_INTERVAL_SECONDS: '60' } }));
  const counter = await schedulerCounter(kit);
  try {
    await waitFor('burst job schedulers created', async () => (await counter.count()) >= count, 60_000, 100);
    if (Date.now() > due - 1000) throw new Error('the job schedulers took too long to create; the burst instant has passed');
    await waitFor(
      'burst executions completed',
      async () => {
        const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE scheduled_for = $1 AND completed_at IS NOT NULL`, [at])).rows;
        return n >= count;
      },
      due - Date.now() + 180_000,
      200,
    );
    const [row] = (
      await client.query(
        `SELECT count(*)::int AS n,
                extract(epoch FROM (max(e.started_at) - $1)) * 1000 AS all_started,
                extract(epoch FROM (max(e.completed_at) - $1)) * 1000 AS all_completed,
                (SELECT extract(epoch FROM (max(st.started_at) - $1)) * 1000 FROM schedule_execution_steps st
                   JOIN schedule_executions x ON x.id = st.execution_id WHERE x.scheduled_for = $1) AS steps_started
         FROM schedule_executions e WHERE e.scheduled_for = $1`,
        [at],
      )
    ).rows;
    const { rows: lagRows } = await client.query(`SELECT extract(epoch FROM (started_at - scheduled_for)) * 1000 AS lag FROM schedule_executions WHERE scheduled_for = $1`, [at]);
    const result: BurstRun = {
      workers: workerCount,
      due: at.toISOString(),
      executions: row.n,
      allStartedMs: Number(row.all_started),
      lagMs: summarise(lagRows.map((r: { lag: string }) => Number(r.lag))),
      allStepsStartedMs: Number(row.steps_started),
      allCompletedMs: Number(row.all_completed),
      anchorAllStartedMs: anchor.allStartedMs,
    };
    report.line(
      `${workerCount} worker(s), run ${run}: ${result.executions} executions; all started after ${fmt(result.allStartedMs)} ms (p50 ${fmt(result.lagMs.p50)} ms), ` +
        `all steps started ${fmt(result.allStepsStartedMs)} ms, all complete ${fmt(result.allCompletedMs)} ms | BullMQ anchor: all ${count} started after ${fmt(anchor.allStartedMs)} ms`,
    );
    return result;
  } finally {
    await counter.close();
    await stopAll(workers);
    await removeKeys();
  }
}

function precisionSummary(runs: PrecisionRun[]) {
  return {
    lagP50: across(runs, (r) => round(r.lagMs.p50, 2)),
    lagP99: across(runs, (r) => round(r.lagMs.p99, 2)),
    lagMax: across(runs, (r) => round(r.lagMs.max, 2)),
    firstStepStartedP50: across(runs, (r) => round(r.firstStepStartedMs.p50, 2)),
    firstStepStartedP99: across(runs, (r) => round(r.firstStepStartedMs.p99, 2)),
    anchorP50: across(runs, (r) => round(r.anchorLagMs.p50, 2)),
    anchorP99: across(runs, (r) => round(r.anchorLagMs.p99, 2)),
    anchorMax: across(runs, (r) => round(r.anchorLagMs.max, 2)),
    schedulerAnchorP50: across(runs, (r) => round(r.schedulerAnchorLagMs.p50, 2)),
    schedulerAnchorP99: across(runs, (r) => round(r.schedulerAnchorLagMs.p99, 2)),
    schedulerAnchorMax: across(runs, (r) => round(r.schedulerAnchorLagMs.max, 2)),
    reconcileMs: across(runs, (r) => r.reconcileMs),
    missing: runs.reduce((n, r) => n + Math.max(0, r.expected - r.executions - r.skipped), 0),
    skipped: runs.reduce((n, r) => n + r.skipped, 0),
  };
}

export async function fireBench({ ci }: BenchOptions): Promise<Report[]> {
  // BENCH_FIRE_SECONDS shortens the precision window by hand.
  const p = { ...(ci ? CI : FULL), ...(process.env.BENCH_FIRE_SECONDS ? { seconds: Number(process.env.BENCH_FIRE_SECONDS) } : {}) };
  // BENCH_RUNS, BENCH_FIRE_CASES (e.g. redis-100,postgres-300) and BENCH_FIRE_PARTS (precision,burst) narrow a run by
  // hand; a narrowed run writes fire.<parts>.<cases>.json so that it does not replace the full results.
  const runs = Number(process.env.BENCH_RUNS ?? p.runs);
  const only = process.env.BENCH_FIRE_CASES?.split(',');
  // Any backend-count pair may be named (e.g. postgres-300 to find where that backend falls behind).
  const cases = only ? only.map((name): PrecisionCase => ({ backend: name.split('-')[0] as Backend, schedules: Number(name.split('-')[1]) })) : p.cases;
  const parts = process.env.BENCH_FIRE_PARTS?.split(',') ?? ['precision', 'burst'];
  const report = new Report(ci ? 'fire-ci' : 'fire', ci);
  const redis = redisClient();
  const hz = await useRedisHz(redis, REDIS_HZ);
  report.data.redis = { version: await redisVersion(redis), hzInForce: hz.inForce, hzBefore: hz.previous };
  report.data.parameters = { ...p, layout: layout(), runs, cases, parts, stragglerWaitMs: STRAGGLER_WAIT_MS, targets: TARGETS, tickConcurrency: TICK_CONCURRENCY, reconcileIntervalSeconds: Number(RECONCILE_INTERVAL_SECONDS), original: ORIGINAL };

  const narrowed =
    only || process.env.BENCH_FIRE_PARTS || process.env.BENCH_FIRE_SECONDS || layout() === 'split'
      ? `.${parts.join('+')}.${cases.map((c) => `${c.backend}-${c.schedules}`).join('+')}.${layout()}`
      : '';
  const fileName = `${report.name}${narrowed}.json`;
  const precision: Record<string, { backend: Backend; schedules: number; runs: PrecisionRun[]; summary: ReturnType<typeof precisionSummary> }> = {};
  for (const c of parts.includes('precision') ? cases : []) {
    const key = `${c.backend}-${c.schedules}`;
    report.section(`Fire precision, ${layout()} worker layout, ${c.backend} queue: ${c.schedules} schedules every 10 s (${c.schedules / 10} due each second), ${runs} × ${p.seconds} s; Redis hz ${await redisHz(redis)}`);
    const caseRuns: PrecisionRun[] = [];
    for (let run = 1; run <= runs; run++) caseRuns.push(await precisionRun(c, p, report, run));
    const summary = precisionSummary(caseRuns);
    precision[key] = { backend: c.backend, schedules: c.schedules, runs: caseRuns, summary };
    report.line(`${key}: lag p50 ${fmtSpread(summary.lagP50, ' ms')}, p99 ${fmtSpread(summary.lagP99, ' ms')}, max ${fmtSpread(summary.lagMax, ' ms')}`);
    report.line(`${key}: BullMQ delayed-job anchor p50 ${fmtSpread(summary.anchorP50, ' ms')}, p99 ${fmtSpread(summary.anchorP99, ' ms')}, max ${fmtSpread(summary.anchorMax, ' ms')}`);
    report.line(`${key}: BullMQ job-scheduler anchor p50 ${fmtSpread(summary.schedulerAnchorP50, ' ms')}, p99 ${fmtSpread(summary.schedulerAnchorP99, ' ms')}, max ${fmtSpread(summary.schedulerAnchorMax, ' ms')}`);
    report.require(`${key}: the worker fires`, caseRuns.every((r) => r.executions > 0), caseRuns.map((r) => `${r.executions} executions`).join(', '));
    report.target(`${key}: every tick started within ${STRAGGLER_WAIT_MS / 1000} s of the window`, summary.missing === 0, `${summary.missing} not started, ${summary.skipped} skipped as overlapping`);
    report.target(`${key}: lag p50`, summary.lagP50.median <= TARGETS.lagP50Ms, `${fmt(summary.lagP50.median)} ms ≤ ${TARGETS.lagP50Ms} ms (BullMQ delayed jobs alone ${fmt(summary.anchorP50.median)} ms, job schedulers alone ${fmt(summary.schedulerAnchorP50.median)} ms)`);
    report.target(`${key}: lag p99`, summary.lagP99.median <= TARGETS.lagP99Ms, `${fmt(summary.lagP99.median)} ms ≤ ${TARGETS.lagP99Ms} ms (BullMQ delayed jobs alone ${fmt(summary.anchorP99.median)} ms, job schedulers alone ${fmt(summary.schedulerAnchorP99.median)} ms)`);
    report.data.precision = precision;
    report.write(fileName);
  }
  report.data.precision = precision;

  if (p.burst && parts.includes('burst')) {
    const burst: Record<string, { runs: BurstRun[]; allStartedMs: Spread; anchorAllStartedMs: Spread; lagP50: Spread; allCompletedMs: Spread }> = {};
    report.section(`Burst: ${p.burst.schedules} schedules due at the same second, redis queue, ${p.burst.runs} runs per worker count`);
    const db = await createBenchDatabase('burst');
    await seedSchedules(db.client, { count: p.burst.schedules, namePrefix: 'Burst ', cronSql: `'0 0 1 1 *'` });
    for (const workerCount of p.burst.workers) {
      const burstRuns: BurstRun[] = [];
      for (let run = 1; run <= Math.min(runs, p.burst.runs); run++) burstRuns.push(await burstRun(db.url, db.client, p.burst.schedules, workerCount, report, run));
      const entry = {
        runs: burstRuns,
        allStartedMs: across(burstRuns, (r) => round(r.allStartedMs)),
        anchorAllStartedMs: across(burstRuns, (r) => round(r.anchorAllStartedMs)),
        lagP50: across(burstRuns, (r) => round(r.lagMs.p50)),
        allCompletedMs: across(burstRuns, (r) => round(r.allCompletedMs)),
      };
      burst[`${workerCount}`] = entry;
      report.line(
        `${workerCount} worker(s): all ${p.burst.schedules} started after ${fmtSpread(entry.allStartedMs, ' ms')}, all complete ${fmtSpread(entry.allCompletedMs, ' ms')}; BullMQ anchor ${fmtSpread(entry.anchorAllStartedMs, ' ms')}`,
      );
      report.require(`burst, ${workerCount} worker(s): every execution ran`, burstRuns.every((r) => r.executions === p.burst!.schedules), burstRuns.map((r) => r.executions).join(', '));
      report.data.burst = burst;
      report.write(fileName);
    }
    await db.drop();
    report.data.burst = burst;
  }

  await hz.restore();
  report.write(fileName);
  return [report];
}

if (require.main === module) runAsCommand(fireBench);
