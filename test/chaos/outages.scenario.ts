import { count, errorBodyProblem, seconds, sleep, Stack, unfinished, waitUntil, type ChaosOptions, type HttpResult, type Link, type Scenario, type ScenarioResult } from './harness';
import { analyseTicks, ranges, type TickRecord } from './ticks';

/** The workers' JIM_MISFIRE_GRACE_SECONDS and JIM_RECONCILE_INTERVAL_SECONDS here. */
const MISFIRE_GRACE_SECONDS = 10;
const RECONCILE_INTERVAL_SECONDS = 5;
/** An execution that started more than this after its nominal time ran late. */
const LATE_MS = 1000;
/** No API answer may take longer than this, outage or not. */
const HANG_MS = 10_000;
const PROBE_EVERY_MS = 250;

interface Probe {
  kind: 'list' | 'create' | 'ready';
  startedAt: number;
  name?: string;
  result?: HttpResult;
}

/** Fires API requests at a steady rate without waiting for earlier ones, so a hanging request is seen as one. */
class Prober {
  readonly probes: Probe[] = [];
  private readonly pending: Promise<void>[] = [];
  private timer?: NodeJS.Timeout;
  private n = 0;

  constructor(
    private readonly stack: Stack,
    private readonly label: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const kind = (['list', 'create', 'list', 'ready'] as const)[this.n++ % 4];
      const probe: Probe = { kind, startedAt: Date.now() };
      this.probes.push(probe);
      let sent: Promise<HttpResult>;
      if (kind === 'list') sent = this.stack.call('GET', '/api/v1/schedules?pageSize=5', undefined, { timeoutMs: 60_000 });
      else if (kind === 'ready') sent = this.stack.call('GET', '/health/ready', undefined, { headers: {}, timeoutMs: 60_000 });
      else {
        probe.name = `Outage probe ${this.label} ${this.n}`;
        sent = this.stack.call('POST', '/api/v1/schedules', { name: probe.name, steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] }, { timeoutMs: 60_000 });
      }
      this.pending.push(sent.then((r) => void (probe.result = r)));
    }, PROBE_EVERY_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  between(from: number, to: number): Probe[] {
    return this.probes.filter((p) => p.startedAt >= from && p.startedAt < to);
  }
}

function statusCounts(probes: Probe[]): string {
  const counts = new Map<string, number>();
  for (const p of probes) {
    const key = `${p.kind} ${p.result?.status || p.result?.error || 'none'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort().map(([k, v]) => `${k} ×${v}`).join(', ');
}

interface Classified {
  window: string;
  onTime: number;
  late: number;
  skipped: number;
  lost: TickRecord[];
  duplicates: TickRecord[];
}

function classify(records: TickRecord[]): Classified {
  return {
    window: records.length ? `${ranges([records[0]]).slice(0, 8)}–${ranges([records[records.length - 1]]).slice(0, 8)}` : 'empty',
    onTime: records.filter((r) => r.executions === 1 && (r.lagMs ?? 0) <= LATE_MS).length,
    late: records.filter((r) => r.executions === 1 && (r.lagMs ?? 0) > LATE_MS).length,
    skipped: records.filter((r) => r.executions === 0 && r.skipped > 0).length,
    lost: records.filter((r) => r.executions + r.skipped === 0),
    duplicates: records.filter((r) => r.executions + r.skipped > 1),
  };
}

interface PhaseReport {
  line: string;
  problems: string[];
  notes: string[];
}

/**
 * One outage: cut `link` for `durationMs`, probing the API all along, then restore it and follow the one-second
 * schedule until it fires on time again. Every nominal second from the cut to that point is classified.
 */
async function outage(stack: Stack, heartbeat: string, which: 'Redis' | 'PostgreSQL', link: Link, durationMs: number): Promise<PhaseReport> {
  const problems: string[] = [];
  const notes: string[] = [];
  const onTimeSince = async (from: number) => {
    const [row] = await stack.query(
      `SELECT (extract(epoch FROM min(scheduled_for)) * 1000)::bigint AS at FROM schedule_executions
       WHERE schedule_id = $1 AND scheduled_for >= to_timestamp($2 / 1000.0) AND started_at - scheduled_for <= make_interval(secs => $3)`,
      [heartbeat, from, LATE_MS / 1000],
    );
    return row?.at ? Number(row.at) : undefined;
  };
  // Steady before the cut: an on-time tick within the last few seconds.
  if (!(await waitUntil(() => onTimeSince(Date.now() - 3000), 30_000))) problems.push(`the schedule was not firing on time before the ${which} outage`);

  const prober = new Prober(stack, which);
  prober.start();
  await sleep(1000);
  const cutAt = Date.now();
  await link.cut();
  await sleep(durationMs);
  await link.restore();
  const restoredAt = Date.now();
  const apiBack = await waitUntil(async () => {
    const r = await stack.call('GET', '/api/v1/schedules?pageSize=1', undefined, { timeoutMs: 5000 });
    return r.status === 200 ? Date.now() : undefined;
  }, 60_000, 250);
  const steadyAt = await waitUntil(() => onTimeSince(restoredAt), 90_000, 500);
  await sleep(1000);
  await prober.stop();

  // The API during the outage.
  const during = prober.between(cutAt, restoredAt);
  const answered = (p: Probe) => p.result && p.result.status > 0;
  const hung = prober.probes.filter((p) => !answered(p) || p.result!.ms > HANG_MS);
  const fiveHundreds = prober.probes.filter((p) => p.result && p.result.status >= 500 && p.result.status !== 503);
  if (hung.length) problems.push(`${hung.length} API requests took over ${HANG_MS / 1000} s or got no answer (${hung.map((p) => `${p.kind} ${p.result?.status || p.result?.error} in ${seconds(p.result?.ms ?? 0)}`).slice(0, 5).join(', ')})`);
  if (fiveHundreds.length) problems.push(`${fiveHundreds.length} API answers were 5xx other than 503: ${statusCounts(fiveHundreds)}`);
  const maxMs = Math.max(0, ...during.map((p) => p.result?.ms ?? 0));
  if (which === 'PostgreSQL') {
    const api = during.filter((p) => p.kind !== 'ready');
    const bad = api.filter((p) => {
      const r = p.result;
      return !r || r.status !== 503 || r.headers['retry-after'] === undefined || errorBodyProblem(r) !== null || r.body.code !== 'SERVICE_UNAVAILABLE';
    });
    if (bad.length) problems.push(`${bad.length}/${api.length} API requests during the outage were not 503 SERVICE_UNAVAILABLE with Retry-After: ${statusCounts(bad)}`);
  }
  // A request refused with 503 must have written nothing; one that succeeded must be there.
  const creates = prober.probes.filter((p) => p.kind === 'create' && p.result);
  for (const p of creates) {
    const [row] = await stack.query(`SELECT count(*)::int AS n FROM schedules WHERE name = $1`, [p.name]);
    if (p.result!.status === 201 && row.n !== 1) problems.push(`"${p.name}" answered 201 but is not in the database`);
    if (p.result!.status !== 201 && row.n !== 0) problems.push(`"${p.name}" answered ${p.result!.status} but was written`);
  }
  if (!apiBack) problems.push(`the API did not answer 200 within 60 s of the ${which} restore`);
  if (!steadyAt) problems.push(`the schedule did not fire on time again within 90 s of the ${which} restore`);

  // The one-second schedule, second by second, from the cut to the first on-time tick after the restore. Ticks that
  // no worker started are recorded by the misfire pass once they are older than the grace: wait for it.
  const from = Math.ceil(cutAt / 1000) * 1000;
  const to = Math.max(from, (steadyAt ?? Date.now()) - 1000);
  const settleBy = Date.now() + (MISFIRE_GRACE_SECONDS + 2 * RECONCILE_INTERVAL_SECONDS + 10) * 1000;
  let a = await analyseTicks(stack, heartbeat, from, to);
  while (classify(a.seconds).lost.length > 0 && Date.now() < settleBy) {
    await sleep(1000);
    a = await analyseTicks(stack, heartbeat, from, to);
  }
  const c = classify(a.seconds);
  if (c.duplicates.length) problems.push(`${c.duplicates.length} seconds ran twice: ${ranges(c.duplicates)}`);
  if (c.lost.length) problems.push(`${count(c.lost.length, 'tick')} lost (neither run nor recorded as skipped) ${MISFIRE_GRACE_SECONDS} s + two reconcile passes after the outage: ${ranges(c.lost)}`);
  const line =
    `${which} down ${seconds(durationMs)}: API ${statusCounts(during.filter((p) => p.kind !== 'ready'))} (max ${seconds(maxMs)}), ` +
    `200 again ${apiBack ? seconds(apiBack - restoredAt) : 'never'} after; ${a.seconds.length} ticks ${c.window}: ${c.onTime} on time, ${c.late} late, ${c.skipped} skipped, ${c.lost.length} lost, ${c.duplicates.length} duplicate; ` +
    `on time again ${steadyAt ? seconds(steadyAt - restoredAt) : 'never'} after the restore`;
  notes.push(`${which}: readiness during the outage: ${statusCounts(during.filter((p) => p.kind === 'ready'))}`);
  if (c.lost.length) {
    const failed = await stack.failedTicks();
    const failedLost = c.lost.map((r) => failed.find((f) => f.nominal === r.at)).filter((f) => f !== undefined);
    notes.push(`${which}: lost ticks: ${ranges(c.lost)}; of them, tick jobs that exhausted their retries: ${failedLost.length}`);
  }
  const late = a.seconds.filter((r) => r.executions === 1 && (r.lagMs ?? 0) > LATE_MS);
  if (late.length) notes.push(`${which}: late ticks: ${late.map((r) => `${ranges([r])} +${seconds(r.lagMs!)}`).join(', ')}`);
  const reasons = new Map<string, number>();
  for (const r of a.seconds) for (const reason of r.skipReasons) reasons.set(reason.replace(/[0-9a-f-]{36}/, '<id>'), (reasons.get(reason.replace(/[0-9a-f-]{36}/, '<id>')) ?? 0) + 1);
  if (reasons.size) notes.push(`${which}: skip reasons: ${[...reasons].map(([k, v]) => `"${k}" ×${v}`).join(', ')}`);
  if (which === 'Redis' && steadyAt && steadyAt - restoredAt > 5000) {
    notes.push(
      `${which}: why the slow recovery: the queue connections reconnect on BullMQ's default backoff (e^n s, capped at 20 s; libs/queue/src/queue-kit.ts sets no retryStrategy), ` +
        `so after a long outage they come back up to 20 s after Redis does`,
    );
  }
  const slowCreates = creates.filter((p) => p.result!.ms > 2000);
  if (slowCreates.length) notes.push(`${which}: ${slowCreates.length} POST /schedules took over 2 s (max ${seconds(Math.max(...slowCreates.map((p) => p.result!.ms)))})`);
  return { line, problems, notes };
}

/**
 * API + two workers, both reaching PostgreSQL and Redis only through TcpProxy links, and a schedule firing every
 * second. Redis is cut for 20 s (CI 5 s) and restored; then PostgreSQL likewise. During each outage the API is probed
 * four times a second (list, create, list, readiness); afterwards every nominal second from the cut until the schedule
 * fires on time again is classified as on time, late, skipped (with its reason) or lost, once the misfire pass has had
 * its turn (ticks no worker started within the grace are recorded as skipped). Lost or duplicate ticks fail.
 */
export const outagesScenario: Scenario = {
  name: 'outages',
  async run(options: ChaosOptions): Promise<ScenarioResult> {
    const durationMs = (options.ci ? 5 : 20) * 1000;
    const stack = await Stack.create(options, {
      scenario: 'outages',
      workers: 2,
      workerEnv: {
        JIM_RECONCILE_INTERVAL_SECONDS: String(RECONCILE_INTERVAL_SECONDS),
        JIM_MISFIRE_GRACE_SECONDS: String(MISFIRE_GRACE_SECONDS),
        JIM_SWEEP_INTERVAL_SECONDS: '2',
        JIM_WORKER_LOST_AFTER_SECONDS: '10',
      },
    });
    try {
      const heartbeat = await stack.createSchedule({
        name: 'Outage heartbeat',
        triggerType: 'Cron',
        patternType: 'Custom',
        cronExpression: '* * * * * *',
        isEnabled: true,
        steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
      });
      const redis = await outage(stack, heartbeat, 'Redis', stack.redisLink, durationMs);
      const pg = await outage(stack, heartbeat, 'PostgreSQL', stack.pgLink, durationMs);
      await stack.call('POST', `/api/v1/schedules/${heartbeat}/disable`);
      await waitUntil(async () => {
        const u = await unfinished(stack);
        return u.executions === 0 && u.steps === 0;
      }, 60_000, 1000);
      const left = await unfinished(stack);
      const problems = [...redis.problems, ...pg.problems];
      if (left.executions || left.steps) problems.push(`${left.executions} executions / ${left.steps} steps unfinished 60 s after the last outage`);
      const restarted = [...stack.workers, stack.api!].filter((p) => !p.running);
      if (restarted.length) problems.push(`${restarted.map((p) => p.label).join(', ')} exited`);
      const lostSteps = await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule_execution_steps WHERE error_message LIKE 'Worker lost%'`);
      const statuses = await stack.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM schedule_executions GROUP BY status ORDER BY status`);
      const notes = [
        ...redis.notes,
        ...pg.notes,
        `executions by status: ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}; steps failed as "Worker lost" although no worker died: ${lostSteps[0].n}`,
        `logs in ${stack.logDir}`,
      ];
      return {
        pass: problems.length === 0,
        summary: `${redis.line} | ${pg.line}; ${left.executions} InProgress; processes restarted: ${restarted.length}` + problems.map((p) => `; PROBLEM ${p}`).join(''),
        notes,
      };
    } finally {
      await stack.close();
    }
  },
};
