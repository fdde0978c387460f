import { isAlive, seconds, sleep, Stack, unfinished, waitUntil, type ChaosOptions, type Scenario, type ScenarioResult } from './harness';

const LOST_DEADLINE_MS = 60_000;
/** The worker's default kill grace (5 s) and a margin: its step processes must be gone by then. */
const ORPHANS_DEADLINE_MS = 15_000;
const TERMINAL = ['Complete', 'Failed', 'Cancelled'];

interface Variant {
  continueOnFailure: boolean;
  expectedExecution: 'Complete' | 'Failed';
  expectedSecondStep: 'Completed' | 'Cancelled';
}

const VARIANTS: Variant[] = [
  { continueOnFailure: true, expectedExecution: 'Complete', expectedSecondStep: 'Completed' },
  { continueOnFailure: false, expectedExecution: 'Failed', expectedSecondStep: 'Cancelled' },
];

/**
 * Two workers; a manual schedule whose first step sleeps 120 s. The worker running that step (found by the `:<pid>:`
 * in `schedule_execution_steps.worker_id`) is killed with SIGKILL. The sweeper of the surviving worker must fail the
 * step with "Worker lost…" within 60 s and the execution must end by the continueOnFailure rule. The processes the killed
 * worker had started (the step's process group, the warden that stops it) must be gone within 15 s of the kill.
 * Full form: the production sweeper settings (sweep every 10 s, lost after 30 s); CI form: 2 s / 10 s.
 */
export const kill9Scenario: Scenario = {
  name: 'kill-9',
  async run(options: ChaosOptions): Promise<ScenarioResult> {
    const sweep = options.ci ? 2 : 10;
    const lostAfter = options.ci ? 10 : 30;
    const stack = await Stack.create(options, {
      scenario: 'kill-9',
      workers: 2,
      workerEnv: { JIM_SWEEP_INTERVAL_SECONDS: String(sweep), JIM_WORKER_LOST_AFTER_SECONDS: String(lostAfter) },
    });
    const problems: string[] = [];
    const parts: string[] = [];
    const notes: string[] = [`sweep every ${sweep} s, worker lost after ${lostAfter} s; logs in ${stack.logDir}`];
    try {
      for (const [i, variant] of VARIANTS.entries()) {
        const label = `continueOnFailure=${variant.continueOnFailure}`;
        while (stack.workers.length < 2) await stack.startWorker();
        const scheduleId = await stack.createSchedule({
          name: `Kill nine ${i}`,
          steps: [
            { stepIndex: 0, stepType: 'Executable', name: 'doomed', executablePath: '/bin/sleep', arguments: '120', continueOnFailure: variant.continueOnFailure },
            { stepIndex: 1, stepType: 'Executable', name: 'afterwards', executablePath: '/bin/true' },
          ],
        });
        const run = await stack.call('POST', `/api/v1/schedules/${scheduleId}/run`);
        if (run.status !== 202) throw new Error(`run answered ${run.status}: ${run.text}`);
        const executionId: string = run.body.executionId;
        const workerId = await waitUntil(async () => {
          const [row] = await stack.query(`SELECT worker_id FROM schedule_execution_steps WHERE execution_id = $1 AND position = 0 AND group_ordinal = 0 AND status = 'Processing'`, [executionId]);
          return row?.worker_id as string | undefined;
        }, 30_000);
        if (!workerId) {
          problems.push(`${label}: the first step never started`);
          continue;
        }
        const victim = stack.workers.find((w) => workerId.includes(`:${w.pid}:`));
        if (!victim) {
          problems.push(`${label}: no worker process matches worker_id ${workerId}`);
          continue;
        }
        // Let a heartbeat or two happen, so the step is visibly alive before its worker dies.
        await sleep(1500);
        const orphans = await stack.kill9(victim);
        const killedAt = Date.now();
        // What the worker had started (the step's process group and the warden that stops it) must not outlive it.
        await waitUntil(async () => (orphans.some(isAlive) ? undefined : true), ORPHANS_DEADLINE_MS);
        const orphansAlive = orphans.filter(isAlive);
        const orphansGoneMs = Date.now() - killedAt;
        const failed = await waitUntil(async () => {
          const [row] = await stack.query(
            `SELECT status, error_message, extract(epoch FROM completed_at) * 1000 AS completed_ms
             FROM schedule_execution_steps WHERE execution_id = $1 AND group_ordinal = 0`,
            [executionId],
          );
          return row && row.status !== 'Processing' ? row : undefined;
        }, LOST_DEADLINE_MS + 30_000);
        const execution = await waitUntil(async () => {
          const [row] = await stack.query(`SELECT status, error_message FROM schedule_executions WHERE id = $1`, [executionId]);
          return row && TERMINAL.includes(row.status) ? row : undefined;
        }, 30_000);
        const steps = await stack.query(`SELECT name, status, error_message FROM schedule_execution_steps WHERE execution_id = $1 ORDER BY group_ordinal, position`, [executionId]);

        if (!failed) {
          problems.push(`${label}: the step of the killed worker was still Processing ${seconds(LOST_DEADLINE_MS + 30_000)} after the kill`);
          continue;
        }
        const lostMs = Number(failed.completed_ms) - killedAt;
        if (failed.status !== 'Failed' || !/^Worker lost/.test(failed.error_message ?? '')) {
          problems.push(`${label}: the step ended ${failed.status} "${failed.error_message}", expected Failed "Worker lost…"`);
        }
        if (orphans.length === 0) problems.push(`${label}: the killed worker had started no process`);
        if (orphansAlive.length > 0) problems.push(`${label}: ${orphansAlive.length} process${orphansAlive.length === 1 ? '' : 'es'} of the killed worker still running ${seconds(ORPHANS_DEADLINE_MS)} after the kill`);
        if (lostMs > LOST_DEADLINE_MS) problems.push(`${label}: the step was failed ${seconds(lostMs)} after the kill (limit 60 s)`);
        if (!execution) problems.push(`${label}: the execution did not finish within 30 s of the lost step`);
        else if (execution.status !== variant.expectedExecution) problems.push(`${label}: execution ${execution.status}, expected ${variant.expectedExecution}`);
        if (steps[1]?.status !== variant.expectedSecondStep) problems.push(`${label}: second step ${steps[1]?.status}, expected ${variant.expectedSecondStep}`);
        parts.push(
          `${label}: step failed "${(failed.error_message ?? '').slice(0, 12)}…" after ${seconds(lostMs)}; execution ${execution?.status ?? 'unfinished'}; next step ${steps[1]?.status}; ` +
            `${orphansAlive.length ? `${orphansAlive.length} orphaned process(es) still running` : `its processes gone ${seconds(orphansGoneMs)} after the kill`}`,
        );
        notes.push(
          `${label}: killed worker pid ${victim.pid}; the processes it had started: ${orphans.join(', ') || '(none found)'}; ` +
            `${orphansAlive.length ? `still running: ${orphansAlive.join(', ')} (killed by the harness at the end)` : 'none survived it'}`,
        );
      }
      const left = await waitUntil(async () => {
        const u = await unfinished(stack);
        return u.executions === 0 && u.steps === 0 ? u : undefined;
      }, 10_000);
      const still = left ?? (await unfinished(stack));
      if (still.executions > 0 || still.steps > 0) problems.push(`${still.executions} executions and ${still.steps} steps still unfinished`);
      parts.push(`${still.executions} InProgress`);
      return { pass: problems.length === 0, summary: [...parts, ...problems.map((p) => `PROBLEM ${p}`)].join('; '), notes };
    } finally {
      await stack.close();
    }
  },
};
