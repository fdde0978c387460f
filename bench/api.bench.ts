import { randomBytes } from 'node:crypto';
import { createBenchDatabase, seedSchedules } from './support/database';
import { serviceEnv, uniquePrefix } from './support/env';
import { call, load, type LoadResult } from './support/http';
import { runAsCommand, type BenchOptions } from './support/main';
import { startApi } from './support/processes';
import { cleanupPrefix, redisClient } from './support/queues';
import { Report } from './support/report';
import { across, fmt, fmtSpread, round, spread, type Spread } from './support/stats';

/**
 * API benchmark (`npm run bench:api`):
 *  1. POST /api/v1/schedules (3 steps, unique names) against POST /api/v1/bench/baseline (API key, one INSERT, no
 *     validation) in the same build and process, runs interleaved: req/s, p50, p99, and the ratio.
 *  2. GET /api/v1/schedules?search=… with 100,000 schedules, against the unfiltered list; then a what-if in the
 *     benchmark's own database (the migrations are not touched): the same without the trigram indexes when the
 *     migrations created them, or with them when they did not.
 */

const FULL = {
  runs: 3,
  seconds: 10,
  warmUpSeconds: 3,
  connections: 50,
  searchSchedules: 100_000,
  searchSeconds: 5,
};
const CI = { runs: 3, seconds: 2, warmUpSeconds: 1, connections: 50, searchSchedules: 10_000, searchSeconds: 2 };
const TARGETS = { createToBaselineRatio: 0.6, createP99Ms: 100, searchP99Ms: 50 };

const runTag = randomBytes(3).toString('hex');
let created = 0;

/** A realistic create: weekdays at 06:30 and 18:00 London time, three Executable steps. */
function createBody(): string {
  created++;
  return JSON.stringify({
    name: `Bench ${runTag} ${created}`,
    description: 'Created by the API benchmark',
    triggerType: 'Cron',
    patternType: 'SpecificTimes',
    daysOfWeek: '1,2,3,4,5',
    runTimes: '06:30,18:00',
    timeZone: 'Europe/London',
    isEnabled: true,
    steps: [
      { stepIndex: 0, stepType: 'Executable', name: 'Export', executablePath: '/bin/true', timeoutSeconds: 600 },
      { stepIndex: 1, stepType: 'Executable', name: 'Transform', executablePath: '/bin/true', arguments: '--fast', timeoutSeconds: 600 },
      { stepIndex: 2, stepType: 'Executable', name: 'Notify', executablePath: '/bin/true', continueOnFailure: true },
    ],
  });
}

interface LoadSpread {
  requestsPerSecond: Spread;
  p50: Spread;
  p99: Spread;
  runs: LoadResult[];
}

function loadSpread(runs: LoadResult[]): LoadSpread {
  return { requestsPerSecond: across(runs, (r) => round(r.requestsPerSecond)), p50: across(runs, (r) => r.p50), p99: across(runs, (r) => r.p99), runs };
}

function describe(label: string, s: LoadSpread): string {
  return `${label}: ${fmtSpread(s.requestsPerSecond, ' req/s', 0)}, p50 ${fmtSpread(s.p50, ' ms')}, p99 ${fmtSpread(s.p99, ' ms')}`;
}

const failures = (runs: LoadResult[]): number => runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);

export async function apiBench({ ci }: BenchOptions): Promise<Report[]> {
  const p = ci ? CI : FULL;
  const report = new Report(ci ? 'api-ci' : 'api', ci);
  const db = await createBenchDatabase('api');
  const redis = redisClient();
  const prefix = uniquePrefix();
  cleanupPrefix(redis, prefix);
  const api = await startApi(serviceEnv({ databaseUrl: db.url, prefix, backend: 'redis', extra: { JIM_BENCH_BASELINE: 'true' } }));

  const baselineCheck = await call(api.url, 'POST', '/api/v1/bench/baseline');
  const createCheck = await call(api.url, 'POST', '/api/v1/schedules', JSON.parse(createBody()));
  report.require('routes answer', baselineCheck.status === 201 && createCheck.status === 201, `baseline ${baselineCheck.status}, create ${createCheck.status}`);
  if (report.broken) throw new Error(`API not usable: ${JSON.stringify(createCheck.body)}`);

  // BENCH_API_PARTS (create,search) and BENCH_API_SEARCH_SCHEDULES narrow or grow a run by hand (e.g. search at 1,000,000).
  const parts = process.env.BENCH_API_PARTS?.split(',') ?? ['create', 'search'];
  const searchSchedules = Number(process.env.BENCH_API_SEARCH_SCHEDULES ?? p.searchSchedules);
  const narrowed =
    process.env.BENCH_API_PARTS || process.env.BENCH_API_SEARCH_SCHEDULES ? `${report.name}.${parts.join('+')}.${searchSchedules}.json` : undefined;
  let createData: Record<string, unknown> | null = null;
  if (parts.includes('create')) {
    // 1. Create vs baseline ---------------------------------------------------------------------------------------------
    report.section(`POST /api/v1/schedules vs baseline: ${p.connections} connections, ${p.runs} × ${p.seconds} s each, interleaved`);
    const baselineLoad = { url: api.url, method: 'POST' as const, path: '/api/v1/bench/baseline', connections: p.connections, body: createBody };
    const createLoad = { url: api.url, method: 'POST' as const, path: '/api/v1/schedules', connections: p.connections, body: createBody };
    await load({ ...baselineLoad, seconds: p.warmUpSeconds });
    await load({ ...createLoad, seconds: p.warmUpSeconds });
    const baselineRuns: LoadResult[] = [];
    const createRuns: LoadResult[] = [];
    for (let run = 1; run <= p.runs; run++) {
      baselineRuns.push(await load({ ...baselineLoad, seconds: p.seconds }));
      createRuns.push(await load({ ...createLoad, seconds: p.seconds }));
      const b = baselineRuns[run - 1];
      const c = createRuns[run - 1];
      report.line(
        `run ${run}: baseline ${fmt(b.requestsPerSecond, 0)} req/s p50 ${b.p50} p99 ${b.p99} ms | create ${fmt(c.requestsPerSecond, 0)} req/s p50 ${c.p50} p99 ${c.p99} ms | ratio ${fmt(c.requestsPerSecond / b.requestsPerSecond, 2)}`,
      );
    }
    const baseline = loadSpread(baselineRuns);
    const create = loadSpread(createRuns);
    // Each create run is paired with the baseline run just before it: the ratio of a pair is taken under the same
    // conditions, so the median of the pairs is the figure judged (the ratio of the two medians is recorded too).
    const pairRatios = spread(createRuns.map((c, i) => round(c.requestsPerSecond / baselineRuns[i].requestsPerSecond, 3)));
    const ratioOfMedians = create.requestsPerSecond.median / baseline.requestsPerSecond.median;
    report.line(describe('baseline', baseline));
    report.line(describe('create  ', create));
    report.line(`ratio create/baseline, paired runs: ${fmtSpread(pairRatios, '', 2)}; ratio of the medians ${fmt(ratioOfMedians, 2)}`);
    report.require('no failed requests under load', failures(baselineRuns) + failures(createRuns) === 0, `${failures(baselineRuns)} baseline, ${failures(createRuns)} create`);
    report.target('create/baseline req/s', pairRatios.median >= TARGETS.createToBaselineRatio, `${fmt(pairRatios.median, 2)} ≥ ${TARGETS.createToBaselineRatio}`);
    report.target('create p99', create.p99.median <= TARGETS.createP99Ms, `${fmt(create.p99.median)} ms ≤ ${TARGETS.createP99Ms} ms (at ${p.connections} connections)`);
    createData = { baseline, create, ratioPaired: pairRatios, ratioOfMedians: round(ratioOfMedians, 3) };
  }
  const [{ n: schedulesCreated }] = (await db.client.query(`SELECT count(*)::int AS n FROM schedules`)).rows;
  report.data.create = createData;
  if (!parts.includes('search')) {
    report.data.apiRssKbAtEnd = api.rssKb();
    await api.stop();
    await db.drop();
    report.write(narrowed);
    return [report];
  }

  // 2. Search ---------------------------------------------------------------------------------------------------------
  report.section(`GET /api/v1/schedules?search=… with ${searchSchedules.toLocaleString('en')} schedules, ${p.runs} × ${p.searchSeconds} s each`);
  await db.client.query(`TRUNCATE schedules, schedule_steps, configuration_changes, connected_systems CASCADE`);
  await seedSchedules(db.client, { count: searchSchedules, namePrefix: 'Nightly import ', cronSql: `'0 3 * * *'`, steps: 1 });
  await db.client.query('VACUUM ANALYZE schedules');
  const rare = String(Math.floor(searchSchedules * 0.42137)).padStart(6, '0');
  const [{ n: rareMatches }] = (await db.client.query(`SELECT count(*)::int AS n FROM schedules WHERE name ILIKE $1 OR description ILIKE $1`, [`%${rare}%`])).rows;
  const [{ n: commonMatches }] = (await db.client.query(`SELECT count(*)::int AS n FROM schedules WHERE name ILIKE $1 OR description ILIKE $1`, ['%payroll%'])).rows;
  const scenarios = [
    { key: 'list', label: 'list, no search (reference)', path: '/api/v1/schedules', connections: 1 },
    { key: 'rare', label: `search "${rare}" (${rareMatches} match)`, path: `/api/v1/schedules?search=${rare}`, connections: 1 },
    { key: 'common', label: `search "payroll" (${commonMatches} match)`, path: '/api/v1/schedules?search=payroll', connections: 1 },
    ...(ci
      ? []
      : [
          { key: 'rare10', label: `search "${rare}", 10 connections`, path: `/api/v1/schedules?search=${rare}`, connections: 10 },
          // A page in the middle of the list, 100 rows: how deep paging holds up.
          { key: 'deep', label: `list, page ${Math.ceil(searchSchedules / 200)} of 100`, path: `/api/v1/schedules?page=${Math.ceil(searchSchedules / 200)}&pageSize=100`, connections: 1 },
        ]),
  ];
  // The two statements of a search (ScheduleRepository.list): the total, then the page (its filter and order).
  const explainPlan = async (term: string) => {
    const plans: string[] = [];
    for (const sql of [
      `SELECT count(*)::int FROM schedules s WHERE s.name ILIKE $1 OR s.description ILIKE $1`,
      `SELECT s.id FROM schedules s WHERE s.name ILIKE $1 OR s.description ILIKE $1 ORDER BY s.created ASC NULLS LAST, s.id ASC LIMIT 20 OFFSET 0`,
    ]) {
      const { rows } = await db.client.query(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, [`%${term}%`]);
      plans.push(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }
    return plans;
  };
  const runScenarios = async (variant: string) => {
    const results: Record<string, LoadSpread> = {};
    for (const scenario of scenarios) {
      await load({ url: api.url, method: 'GET', path: scenario.path, connections: scenario.connections, seconds: 1 });
      const runs: LoadResult[] = [];
      for (let run = 0; run < p.runs; run++) runs.push(await load({ url: api.url, method: 'GET', path: scenario.path, connections: scenario.connections, seconds: p.searchSeconds }));
      results[scenario.key] = loadSpread(runs);
      report.line(describe(`${variant}: ${scenario.label}`, results[scenario.key]));
      report.require(`${variant} ${scenario.key}: no failed requests`, failures(runs) === 0, `${failures(runs)} failed`);
    }
    return results;
  };
  const asShipped = await runScenarios('as shipped');
  const planAsShipped = { rare: await explainPlan(rare), common: await explainPlan('payroll') };
  for (const key of ['rare', 'common'] as const) {
    report.target(`search p99 (${key} term, 1 connection)`, asShipped[key].p99.median <= TARGETS.searchP99Ms, `${fmt(asShipped[key].p99.median)} ms ≤ ${TARGETS.searchP99Ms} ms`);
  }

  // What-if, in this benchmark database only (the migrations are not touched): without trigram indexes when the
  // product's migrations created them, with them when they did not.
  const trigramIndexes: string[] = (
    await db.client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'schedules' AND indexdef ILIKE '%gin_trgm_ops%' ORDER BY indexname`)
  ).rows.map((r: { indexname: string }) => r.indexname);
  let whatIf: { variant: string; results: Record<string, LoadSpread>; plans: Record<string, string[]> } | null = null;
  // Beyond 100,000 rows the what-if's searches without an index take seconds each: measured at 100,000 only.
  if (!ci && searchSchedules <= 100_000) {
    let variant: string;
    if (trigramIndexes.length > 0) {
      variant = 'without trigram indexes';
      report.line(`what-if: the migrations created ${trigramIndexes.join(', ')}; dropped here to measure search without them`);
      for (const index of trigramIndexes) await db.client.query(`DROP INDEX ${index}`);
    } else {
      variant = 'with pg_trgm indexes';
      report.line('what-if: pg_trgm GIN indexes on name and description, created here');
      await db.client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      await db.client.query('CREATE INDEX bench_schedules_name_trgm ON schedules USING gin (name gin_trgm_ops)');
      await db.client.query('CREATE INDEX bench_schedules_description_trgm ON schedules USING gin (description gin_trgm_ops)');
    }
    await db.client.query('ANALYZE schedules');
    const results = await runScenarios(variant);
    whatIf = { variant, results, plans: { rare: await explainPlan(rare), common: await explainPlan('payroll') } };
  }

  report.data.parameters = { ...p, targets: TARGETS, createBody: JSON.parse(createBody()), schedulesCreatedDuringCreateRuns: schedulesCreated };
  report.data.search = {
    schedules: searchSchedules,
    terms: { rare: { term: rare, matches: rareMatches }, common: { term: 'payroll', matches: commonMatches } },
    scenarios,
    trigramIndexesAsShipped: trigramIndexes,
    asShipped,
    plansAsShipped: planAsShipped,
    whatIf,
  };
  report.data.apiRssKbAtEnd = api.rssKb();
  report.line(`API RSS after the search runs: ${fmt(api.rssKb() / 1024)} MB`);
  await api.stop();
  await db.drop();
  report.write(narrowed);
  return [report];
}

if (require.main === module) runAsCommand(apiBench);
