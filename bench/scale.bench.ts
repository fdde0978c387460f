import { DEFAULT_RECONCILE_PAGE, JobSchedulerSync, TICK_QUEUE, type FiringSource, type FiringSpec } from '@jim/queue';
import type { Redis } from 'ioredis';
import type { Client } from 'pg';
import { readFileSync } from 'node:fs';
import { createBenchDatabase, seedSchedules } from './support/database';
import { serviceEnv, sleep, uniquePrefix } from './support/env';
import { call } from './support/http';
import { runAsCommand, type BenchOptions } from './support/main';
import { startApi, startWorkers, stopAll, waitFor } from './support/processes';
import { cleanupPrefix, prefixPatterns, queueKit, redisClient, schedulerCounter, usedMemory } from './support/queues';
import { Report } from './support/report';
import { across, fmt, fmtSpread, round, spread, type Spread } from './support/stats';

/**
 * Scale (`npm run bench:scale`), redis queue:
 *  - 100,000 enabled schedules (SQL insert) → a worker started on an empty queue prefix → time until all 100,000 job
 *    schedulers exist (the reconciler's first pass); Redis memory per schedule (INFO used_memory delta, and the sum of
 *    MEMORY USAGE over the prefix's keys, which other tenants of the Redis cannot disturb); worker RSS.
 *    Anchor: the same 100,000 job schedulers upserted by plain BullMQ from this process (same batches), its time and
 *    memory; and the RSS of a worker with no schedules.
 *  - API RSS with 10,000 schedules after listing every page a few times; anchor: the same API's RSS before listing.
 */

const FULL = { schedules: 100_000, runs: 3, apiSchedules: 10_000, apiRuns: 3, listPasses: 3 };
const CI = { schedules: 5_000, runs: 1, apiSchedules: 1_000, apiRuns: 1, listPasses: 2 };
const BATCH = 5000;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

/** Sum of MEMORY USAGE over every key under the prefix, and how many keys. */
async function prefixMemory(redis: Redis, prefix: string): Promise<{ bytes: number; keys: number }> {
  let bytes = 0;
  let keys = 0;
  for (const pattern of prefixPatterns(prefix)) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
      cursor = next;
      if (batch.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', '0');
      for (const [error, value] of (await pipeline.exec()) ?? []) if (!error) bytes += Number(value);
      keys += batch.length;
    } while (cursor !== '0');
  }
  return { bytes, keys };
}

const SPEC_COLUMNS = `id, is_enabled AS "isEnabled", trigger_type AS "triggerType", cron_expression AS "cronExpression", time_zone AS "timeZone"`;

/** The enabled cron schedules in id order, a page at a time: the queries the worker's Reconciler runs. */
function firingSource(client: Client): FiringSource {
  return {
    async *batches() {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const { rows } = await client.query(
          `SELECT ${SPEC_COLUMNS} FROM schedules WHERE is_enabled AND trigger_type = 'Cron' AND id > $1 ORDER BY id LIMIT $2`,
          [after, DEFAULT_RECONCILE_PAGE],
        );
        if (rows.length === 0) return;
        yield rows as FiringSpec[];
        after = rows[rows.length - 1].id;
      }
    },
    specsOf: async (ids) => (await client.query(`SELECT ${SPEC_COLUMNS} FROM schedules WHERE id = ANY($1::uuid[])`, [ids])).rows as FiringSpec[],
  };
}

/** A yearly fire time about half a year away, so nothing fires while the benchmark runs. */
function farPattern(): string {
  const month = ((new Date().getUTCMonth() + 6) % 12) + 1;
  return `(g % 60)::text || ' ' || (g % 24)::text || ' 15 ${month} *'`;
}

interface ReconcileRun {
  reconcileMs: number;
  /** A second pass over the same schedules, nothing to change: what every periodic reconcile costs. */
  noChangePassMs: number;
  workerReadyMs: number;
  schedulersPerSecond: number;
  usedMemoryDeltaBytesPerSchedule: number;
  keyBytesPerSchedule: number;
  keys: number;
  workerRssMb: number;
  workerPeakRssMb: number;
  anchor: { upsertMs: number; keyBytesPerSchedule: number };
}

interface ApiRun {
  idleRssMb: number;
  afterListingRssMb: number;
  peakRssMb: number;
  pages: number;
  listMs: number;
}

export async function scaleBench({ ci }: BenchOptions): Promise<Report[]> {
  // BENCH_RUNS and BENCH_SCALE_PARTS (reconcile,api) narrow a run by hand; a narrowed run writes scale.<parts>.json.
  const base = ci ? CI : FULL;
  const runCount = Number(process.env.BENCH_RUNS ?? base.runs);
  // BENCH_SCALE_SCHEDULES (e.g. 1000000) changes the number of schedules reconciled.
  const p = { ...base, runs: runCount, apiRuns: Math.min(runCount, base.apiRuns), schedules: Number(process.env.BENCH_SCALE_SCHEDULES ?? base.schedules) };
  const parts = process.env.BENCH_SCALE_PARTS?.split(',') ?? ['reconcile', 'api'];
  const report = new Report(ci ? 'scale-ci' : 'scale', ci);
  const redis = redisClient();
  report.data.parameters = { ...p, reconcileBatch: DEFAULT_RECONCILE_PAGE, anchorBatch: BATCH };

  // Reconcile -------------------------------------------------------------------------------------------------------
  const db = await createBenchDatabase('scale');
  report.section(`Idle worker (no schedules): RSS`);
  const idlePrefix = uniquePrefix();
  const removeIdleKeys = cleanupPrefix(redis, idlePrefix);
  const idleRss: number[] = [];
  for (let run = 0; run < p.runs; run++) {
    const [idle] = await startWorkers(1, serviceEnv({ databaseUrl: db.url, prefix: idlePrefix, backend: 'redis' }));
    await sleep(3000);
    idleRss.push(round(statusKb(idle.pid, 'VmRSS') / 1024, 1));
    await idle.stop();
  }
  await removeIdleKeys();
  const idleWorkerRssMb = spread(idleRss);
  report.line(`idle worker RSS ${fmtSpread(idleWorkerRssMb, ' MB')}`);

  report.section(`Reconcile ${p.schedules.toLocaleString('en')} schedules on an empty queue prefix, ${p.runs} runs`);
  const seedStarted = Date.now();
  await seedSchedules(db.client, { count: p.schedules, namePrefix: 'Yearly review ', cronSql: farPattern() });
  report.line(`seeded ${p.schedules.toLocaleString('en')} schedules (with one step each) by SQL in ${Date.now() - seedStarted} ms`);
  const [{ pattern: samplePattern }] = (await db.client.query(`SELECT cron_expression AS pattern FROM schedules LIMIT 1`)).rows;
  const runs: ReconcileRun[] = [];
  for (let run = 1; run <= p.runs; run++) {
    // Anchor: plain BullMQ, the same schedulers from this process.
    const anchorPrefix = uniquePrefix();
    const removeAnchorKeys = cleanupPrefix(redis, anchorPrefix);
    const anchorQueue = queueKit('redis', anchorPrefix, db.url).tickQueue(TICK_QUEUE);
    await anchorQueue.waitUntilReady();
    const anchorStarted = Date.now();
    const specs = (await db.client.query(`SELECT id, cron_expression FROM schedules ORDER BY id`)).rows as { id: string; cron_expression: string }[];
    for (let i = 0; i < specs.length; i += BATCH) {
      await Promise.all(
        specs.slice(i, i + BATCH).map((s) =>
          anchorQueue.upsertJobScheduler(`schedule:${s.id}`, { pattern: s.cron_expression, tz: 'UTC' }, { name: 'tick', data: { scheduleId: s.id }, opts: { attempts: 3, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: 1000, removeOnFail: 5000 } }),
        ),
      );
    }
    const anchorMs = Date.now() - anchorStarted;
    const anchorMemory = await prefixMemory(redis, anchorPrefix);
    await anchorQueue.close();
    await removeAnchorKeys();

    // The product.
    const prefix = uniquePrefix();
    const removeKeys = cleanupPrefix(redis, prefix);
    const counter = await schedulerCounter(queueKit('redis', prefix, db.url));
    await sleep(500);
    const memoryBefore = await usedMemory(redis);
    const started = Date.now();
    const [worker] = await startWorkers(1, serviceEnv({ databaseUrl: db.url, prefix, backend: 'redis', extra: { JIM_RECONCILE_INTERVAL_SECONDS: '3600' } }));
    const workerReadyMs = Date.now() - started;
    let last = 0;
    await waitFor(
      'all job schedulers created',
      async () => {
        last = await counter.count();
        return last >= p.schedules;
      },
      30 * 60_000,
      250,
    );
    const reconcileMs = Date.now() - started;
    await sleep(2000);
    const memoryAfter = await usedMemory(redis);
    const keyMemory = await prefixMemory(redis, prefix);
    const result: ReconcileRun = {
      reconcileMs,
      noChangePassMs: NaN,
      workerReadyMs,
      schedulersPerSecond: round(p.schedules / (reconcileMs / 1000), 0),
      usedMemoryDeltaBytesPerSchedule: round((memoryAfter - memoryBefore) / p.schedules, 0),
      keyBytesPerSchedule: round(keyMemory.bytes / p.schedules, 0),
      keys: keyMemory.keys,
      workerRssMb: round(statusKb(worker.pid, 'VmRSS') / 1024, 1),
      workerPeakRssMb: round(statusKb(worker.pid, 'VmHWM') / 1024, 1),
      anchor: { upsertMs: anchorMs, keyBytesPerSchedule: round(anchorMemory.bytes / p.schedules, 0) },
    };
    runs.push(result);
    report.line(
      `run ${run}: ${p.schedules.toLocaleString('en')} job schedulers in ${fmt(reconcileMs / 1000, 1)} s from the worker's spawn (ready after ${fmt(workerReadyMs / 1000, 1)} s; ${result.schedulersPerSecond}/s); ` +
        `Redis ${result.usedMemoryDeltaBytesPerSchedule} B/schedule (used_memory delta), ${result.keyBytesPerSchedule} B/schedule (MEMORY USAGE, ${result.keys} keys); ` +
        `worker RSS ${result.workerRssMb} MB (peak ${result.workerPeakRssMb} MB) | plain BullMQ upserts ${fmt(anchorMs / 1000, 1)} s, ${result.anchor.keyBytesPerSchedule} B/schedule`,
    );
    await worker.stop();
    // The periodic pass, run here with the product's JobSchedulerSync on the same prefix: nothing to change.
    const tickQueue = queueKit('redis', prefix, db.url).tickQueue(TICK_QUEUE);
    const passStarted = Date.now();
    const pass = await new JobSchedulerSync(tickQueue).reconcile(firingSource(db.client));
    result.noChangePassMs = Date.now() - passStarted;
    await tickQueue.close();
    report.line(`   no-change reconcile pass over ${pass.checked.toLocaleString('en')} schedules: ${fmt(result.noChangePassMs / 1000, 1)} s (${pass.upserted} upserted, ${pass.removed} removed)`);
    await counter.close();
    const deleteStarted = Date.now();
    await removeKeys();
    report.line(`   (deleted the prefix's keys in ${Date.now() - deleteStarted} ms)`);
  }
  await db.drop();
  const reconcile = {
    reconcileSeconds: across(runs, (r) => round(r.reconcileMs / 1000, 1)),
    noChangePassSeconds: across(runs, (r) => round(r.noChangePassMs / 1000, 1)),
    workerReadySeconds: across(runs, (r) => round(r.workerReadyMs / 1000, 1)),
    anchorUpsertSeconds: across(runs, (r) => round(r.anchor.upsertMs / 1000, 1)),
    usedMemoryDeltaBytesPerSchedule: across(runs, (r) => r.usedMemoryDeltaBytesPerSchedule),
    keyBytesPerSchedule: across(runs, (r) => r.keyBytesPerSchedule),
    anchorKeyBytesPerSchedule: across(runs, (r) => r.anchor.keyBytesPerSchedule),
    workerRssMb: across(runs, (r) => r.workerRssMb),
    workerPeakRssMb: across(runs, (r) => r.workerPeakRssMb),
  };
  report.line(
    `reconcile ${fmtSpread(reconcile.reconcileSeconds, ' s')} vs plain BullMQ ${fmtSpread(reconcile.anchorUpsertSeconds, ' s')}; ` +
      `Redis ${fmtSpread(reconcile.keyBytesPerSchedule, ' B', 0)} per schedule; worker RSS ${fmtSpread(reconcile.workerRssMb, ' MB')} (idle ${fmt(idleWorkerRssMb.median)} MB)`,
  );
  report.require('every job scheduler created', runs.every((r) => r.keys > p.schedules), runs.map((r) => `${r.keys} keys`).join(', '));

  report.data.idleWorkerRssMb = idleWorkerRssMb;
  report.data.reconcile = { samplePattern, runs, summary: reconcile };
  const count = process.env.BENCH_SCALE_SCHEDULES ? `.${p.schedules}` : '';
  const narrowed = process.env.BENCH_RUNS || process.env.BENCH_SCALE_PARTS || count ? `${report.name}.${parts.join('+')}${count}.json` : undefined;
  if (!parts.includes('api')) {
    report.write(narrowed);
    return [report];
  }

  // API memory ------------------------------------------------------------------------------------------------------
  report.section(`API RSS with ${p.apiSchedules.toLocaleString('en')} schedules, listing every page ${p.listPasses} times, ${p.apiRuns} runs`);
  const apiDb = await createBenchDatabase('scale_api');
  await seedSchedules(apiDb.client, { count: p.apiSchedules, namePrefix: 'Listed ', cronSql: farPattern() });
  const apiRuns: ApiRun[] = [];
  const apiPrefix = uniquePrefix();
  cleanupPrefix(redis, apiPrefix);
  for (let run = 1; run <= p.apiRuns; run++) {
    const api = await startApi(serviceEnv({ databaseUrl: apiDb.url, prefix: apiPrefix, backend: 'redis' }));
    await sleep(2000);
    const idleRssMb = round(statusKb(api.pid, 'VmRSS') / 1024, 1);
    const listStarted = Date.now();
    let pages = 0;
    for (let pass = 0; pass < p.listPasses; pass++) {
      for (let page = 1; ; page++) {
        const res = await call(api.url, 'GET', `/api/v1/schedules?page=${page}&pageSize=100`);
        if (res.status !== 200) throw new Error(`listing failed: ${res.status}`);
        pages++;
        if (!res.body.hasNextPage) break;
      }
    }
    const listMs = Date.now() - listStarted;
    await sleep(1000);
    const result: ApiRun = { idleRssMb, afterListingRssMb: round(statusKb(api.pid, 'VmRSS') / 1024, 1), peakRssMb: round(statusKb(api.pid, 'VmHWM') / 1024, 1), pages, listMs };
    apiRuns.push(result);
    report.line(`run ${run}: RSS idle ${result.idleRssMb} MB → ${result.afterListingRssMb} MB after ${pages} pages in ${fmt(listMs / 1000, 1)} s (peak ${result.peakRssMb} MB)`);
    await api.stop();
  }
  await apiDb.drop();
  const apiMemory: Record<string, Spread> = {
    idleRssMb: across(apiRuns, (r) => r.idleRssMb),
    afterListingRssMb: across(apiRuns, (r) => r.afterListingRssMb),
    peakRssMb: across(apiRuns, (r) => r.peakRssMb),
    msPerPage: across(apiRuns, (r) => round(r.listMs / r.pages, 1)),
  };
  report.line(`API RSS idle ${fmtSpread(apiMemory.idleRssMb, ' MB')}, after listing ${fmtSpread(apiMemory.afterListingRssMb, ' MB')}, ${fmtSpread(apiMemory.msPerPage, ' ms')} per page of 100`);

  report.data.apiMemory = { runs: apiRuns, summary: apiMemory };
  report.write(narrowed);
  return [report];
}

if (require.main === module) runAsCommand(scaleBench);
