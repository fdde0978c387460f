import { percentile, type Stack } from './harness';

/** What happened to each nominal second of a one-second schedule. */
export interface TickRecord {
  /** Nominal fire time, ms. */
  at: number;
  executions: number;
  skipped: number;
  skipReasons: string[];
  /** started_at - scheduled_for of the execution, ms. */
  lagMs: number | null;
}

export interface TickAnalysis {
  first: number;
  last: number;
  seconds: TickRecord[];
  executions: number;
  skipped: number;
  /** Seconds with more than one execution, or an execution and a skipped run, or two skipped runs. */
  duplicates: TickRecord[];
  /** Seconds with neither an execution nor a skipped run. */
  gaps: TickRecord[];
  /** Nominal times that are not whole seconds. */
  offGrid: number;
  skippedWithoutReason: number;
  lags: number[];
}

/** Every nominal second of `scheduleId` in [from, to] (ms; defaults: the first and last recorded tick). */
export async function analyseTicks(stack: Stack, scheduleId: string, from?: number, to?: number): Promise<TickAnalysis> {
  const executions = await stack.query<{ at: string; lag: string | null }>(
    `SELECT (extract(epoch FROM scheduled_for) * 1000)::bigint AS at,
            (extract(epoch FROM started_at - scheduled_for) * 1000)::bigint AS lag
     FROM schedule_executions WHERE schedule_id = $1 AND scheduled_for IS NOT NULL`,
    [scheduleId],
  );
  const skipped = await stack.query<{ at: string; reason: string | null }>(
    `SELECT (extract(epoch FROM scheduled_for) * 1000)::bigint AS at, reason FROM skipped_runs WHERE schedule_id = $1`,
    [scheduleId],
  );
  const all = [...executions.map((e) => Number(e.at)), ...skipped.map((s) => Number(s.at))];
  const first = from ?? Math.min(...all);
  const last = to ?? Math.max(...all);
  const bySecond = new Map<number, TickRecord>();
  const record = (at: number) => {
    let r = bySecond.get(at);
    if (!r) bySecond.set(at, (r = { at, executions: 0, skipped: 0, skipReasons: [], lagMs: null }));
    return r;
  };
  for (let at = Math.ceil(first / 1000) * 1000; at <= last; at += 1000) record(at);
  let offGrid = 0;
  for (const e of executions) {
    const at = Number(e.at);
    if (at % 1000 !== 0) offGrid++;
    if (at < first || at > last) continue;
    const r = record(at);
    r.executions++;
    r.lagMs = e.lag === null ? null : Number(e.lag);
  }
  let skippedWithoutReason = 0;
  for (const s of skipped) {
    const at = Number(s.at);
    if (at % 1000 !== 0) offGrid++;
    if (at < first || at > last) continue;
    const r = record(at);
    r.skipped++;
    r.skipReasons.push(s.reason ?? '');
    if (!s.reason) skippedWithoutReason++;
  }
  const seconds = [...bySecond.values()].sort((a, b) => a.at - b.at);
  return {
    first,
    last,
    seconds,
    executions: seconds.reduce((n, r) => n + r.executions, 0),
    skipped: seconds.reduce((n, r) => n + r.skipped, 0),
    duplicates: seconds.filter((r) => r.executions + r.skipped > 1),
    gaps: seconds.filter((r) => r.executions + r.skipped === 0),
    offGrid,
    skippedWithoutReason,
    lags: seconds.filter((r) => r.lagMs !== null).map((r) => r.lagMs!),
  };
}

export function lagSummary(lags: number[]): string {
  if (lags.length === 0) return 'no lag samples';
  return `fire lag p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms, max ${Math.max(...lags)} ms`;
}

export function isoSecond(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Runs of consecutive seconds, for reporting: "12:00:01–12:00:05 (5)". */
export function ranges(records: TickRecord[]): string {
  if (records.length === 0) return 'none';
  const out: string[] = [];
  let start = records[0].at;
  let prev = start;
  const flush = () => out.push(start === prev ? isoSecond(start) : `${isoSecond(start)}–${isoSecond(prev)} (${(prev - start) / 1000 + 1})`);
  for (const r of records.slice(1)) {
    if (r.at !== prev + 1000) {
      flush();
      start = r.at;
    }
    prev = r.at;
  }
  flush();
  return out.join(', ');
}
