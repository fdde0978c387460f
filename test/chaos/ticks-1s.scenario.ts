import { freePort, httpRequest, retryOnPortRace, seconds, sleep, Stack, unfinished, waitUntil, type ChaosOptions, type Scenario, type ScenarioResult } from './harness';
import { analyseTicks, isoSecond, lagSummary, ranges } from './ticks';

/** Sum of `jim_ticks_total` by outcome over the given worker health ports. */
export async function tickOutcomes(ports: number[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const port of ports) {
    const res = await httpRequest(port, { method: 'GET', path: '/metrics', timeoutMs: 5000 });
    for (const match of res.text.matchAll(/^jim_ticks_total\{outcome="([^"]+)"\} (\d+(?:\.\d+)?)$/gm)) {
      totals[match[1]] = (totals[match[1]] ?? 0) + Number(match[2]);
    }
  }
  return totals;
}

/**
 * Three workers and a schedule firing every second (`* * * * * *`). After `count` nominal seconds (300; CI 20) the
 * schedule is disabled and every second between the first and the last tick is checked: exactly one execution, or a
 * skipped run with a reason; never two, never none. The workers' `jim_ticks_total` counters show how often a tick
 * reached a worker more than once (absorbed by the (schedule, nominal time) key).
 */
export const ticks1sScenario: Scenario = {
  name: 'ticks-1s',
  async run(options: ChaosOptions): Promise<ScenarioResult> {
    const count = options.ci ? 20 : 300;
    const stack = await Stack.create(options, { scenario: 'ticks-1s', workers: 0 });
    const ports: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        await retryOnPortRace(async () => {
          const port = await freePort();
          const worker = await stack.startWorker({ WORKER_HEALTH_PORT: String(port), HOST: '127.0.0.1' });
          ports.push(port);
          return worker;
        });
      }
      const id = await stack.createSchedule({
        name: 'Every second',
        triggerType: 'Cron',
        patternType: 'Custom',
        cronExpression: '* * * * * *',
        isEnabled: true,
        steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
      });
      const started = Date.now();
      const reached = await waitUntil(async () => {
        const [row] = await stack.query(
          `SELECT extract(epoch FROM max(t) - min(t))::int + 1 AS span FROM (
             SELECT scheduled_for AS t FROM schedule_executions WHERE schedule_id = $1
             UNION ALL SELECT scheduled_for FROM skipped_runs WHERE schedule_id = $1) x`,
          [id],
        );
        return Number(row?.span ?? 0) >= count;
      }, count * 1000 + 60_000, 500);
      const disable = await stack.call('POST', `/api/v1/schedules/${id}/disable`);
      if (disable.status !== 200) throw new Error(`disable answered ${disable.status}`);
      await sleep(2000);
      await waitUntil(async () => (await unfinished(stack)).executions === 0, 30_000);
      const left = await unfinished(stack);
      const a = await analyseTicks(stack, id);
      const outcomes = await tickOutcomes(ports);
      const [{ workers }] = await stack.query(
        `SELECT count(DISTINCT st.worker_id)::int AS workers FROM schedule_execution_steps st
         JOIN schedule_executions e ON e.id = st.execution_id WHERE e.schedule_id = $1`,
        [id],
      );
      const statuses = await stack.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1 GROUP BY status ORDER BY status`,
        [id],
      );
      const ticks = a.seconds.length;
      const problems: string[] = [];
      if (!reached) problems.push(`only ${ticks} ticks within ${seconds(count * 1000 + 60_000)}`);
      if (a.duplicates.length) problems.push(`${a.duplicates.length} seconds ran more than once: ${ranges(a.duplicates)}`);
      if (a.gaps.length) problems.push(`${a.gaps.length} seconds neither ran nor were recorded as skipped: ${ranges(a.gaps)}`);
      if (a.offGrid) problems.push(`${a.offGrid} nominal times are not whole seconds`);
      if (a.skippedWithoutReason) problems.push(`${a.skippedWithoutReason} skipped runs without a reason`);
      if (left.executions || left.steps) problems.push(`${left.executions} executions / ${left.steps} steps unfinished`);
      const summary =
        `${ticks} ticks ${isoSecond(a.first)}–${isoSecond(a.last)}: ${a.executions} executions, ${a.skipped} skipped, ` +
        `${a.duplicates.length} duplicate, ${a.gaps.length} gap; ${lagSummary(a.lags)}; steps ran on ${workers} workers` +
        problems.map((p) => `; PROBLEM ${p}`).join('');
      const notes = [
        `executions by status: ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}; ran ${seconds(Date.now() - started)}`,
        `tick deliveries counted by the workers (jim_ticks_total): ${Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
      ];
      if (a.skipped) {
        const reasons = new Map<string, number>();
        for (const r of a.seconds) for (const reason of r.skipReasons) reasons.set(reason.replace(/[0-9a-f-]{36}/, '<id>'), (reasons.get(reason.replace(/[0-9a-f-]{36}/, '<id>')) ?? 0) + 1);
        notes.push(`skip reasons: ${[...reasons].map(([k, v]) => `"${k}" ×${v}`).join(', ')}`);
      }
      return { pass: problems.length === 0, summary, notes };
    } finally {
      await stack.close();
    }
  },
};
