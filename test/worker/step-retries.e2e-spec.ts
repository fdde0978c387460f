import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { exe, finished, runSteps, startWorkers } from './worker-harness';

interface Attempt {
  attempt: number;
  startedAt: string | null;
  completedAt: string;
  outcome: string;
  exitCode: number | null;
  stdoutTail: string | null;
  errorMessage: string | null;
}

/** Step retries with real worker processes: attempts recorded, delays as delayed jobs, no retry of a cancel or timeout. */
describe('Step retries (real worker processes)', () => {
  let t: TestApp;
  let workers: RunningProcess[];
  const dir = mkdtempSync(join(tmpdir(), 'jim-retries-'));

  beforeAll(async () => {
    t = await createTestApp();
    workers = await startWorkers(t, 2);
  });
  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await t?.close();
  });

  const detail = async (id: string) => (await t.api().get(`/api/v1/schedule-executions/${id}`).expect(200)).body;
  /** A step that fails until its `n`-th run, counting runs in a file. */
  const failsUntil = (n: number, file: string) => `-c "c=$(cat ${file} 2>/dev/null || echo 0); c=$((c+1)); echo $c > ${file}; echo run $c; [ $c -ge ${n} ]"`;

  it('runs a failed step again after its delay, doubled each time, and records every attempt', async () => {
    const id = await runSteps(t, 'Retried', [
      exe(0, '/bin/sh', failsUntil(3, join(dir, 'three')), { name: 'flaky', maxAttempts: 4, retryDelaySeconds: 1 }),
    ]);
    await finished(t, id, 30_000);
    const body = await detail(id);
    expect(body.status).toBe('Complete');
    const [step] = body.steps;
    expect(step).toMatchObject({ status: 'Completed', attempt: 3, maxAttempts: 4, retryDelaySeconds: 1, retryOnTimeout: false, nextAttemptAt: null });
    const attempts: Attempt[] = step.attempts;
    expect(attempts.map((a) => [a.attempt, a.outcome, a.exitCode, a.stdoutTail?.trim()])).toEqual([
      [1, 'Failed', 1, 'run 1'],
      [2, 'Failed', 1, 'run 2'],
      [3, 'Completed', 0, 'run 3'],
    ]);
    expect(attempts[0].errorMessage).toBe('Process exited with code 1');
    // 1 s before the second attempt, 2 s before the third.
    const gap = (a: Attempt, b: Attempt) => Date.parse(b.startedAt!) - Date.parse(a.completedAt);
    expect(gap(attempts[0], attempts[1])).toBeGreaterThanOrEqual(1000);
    expect(gap(attempts[1], attempts[2])).toBeGreaterThanOrEqual(2000);
  });

  it('applies continueOnFailure only after the last attempt; without it the execution fails then', async () => {
    const id = await runSteps(t, 'Exhausted', [
      exe(0, '/bin/false', null, { name: 'always fails', maxAttempts: 2, retryDelaySeconds: 1, continueOnFailure: true }),
      exe(1, '/bin/false', null, { name: 'fails too', maxAttempts: 2, retryDelaySeconds: 1 }),
      exe(2, '/bin/true', null, { name: 'never runs' }),
    ]);
    await finished(t, id, 30_000);
    const body = await detail(id);
    expect(body.status).toBe('Failed');
    expect(body.errorMessage).toBe("Step 'fails too' failed and ContinueOnFailure is false.");
    const [first, second, third] = body.steps;
    expect(first.attempts.map((a: Attempt) => a.outcome)).toEqual(['Failed', 'Failed']);
    expect(second.attempts.map((a: Attempt) => a.outcome)).toEqual(['Failed', 'Failed']);
    expect(Date.parse(second.attempts[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(first.attempts[1].completedAt));
    expect(third).toMatchObject({ status: 'Cancelled', attempts: [] });
  });

  it('does not retry a timed-out attempt unless retryOnTimeout', async () => {
    const plain = await runSteps(t, 'Timeout once', [exe(0, '/bin/sleep', '30', { timeoutSeconds: 1, maxAttempts: 3, retryDelaySeconds: 1 })]);
    const retried = await runSteps(t, 'Timeout retried', [
      exe(0, '/bin/sleep', '30', { timeoutSeconds: 1, maxAttempts: 2, retryDelaySeconds: 1, retryOnTimeout: true }),
    ]);
    await finished(t, plain, 30_000);
    await finished(t, retried, 30_000);
    const once = (await detail(plain)).steps[0];
    expect(once).toMatchObject({ status: 'Failed', errorMessage: 'Timed out after 1 s', attempt: 1 });
    expect(once.attempts.map((a: Attempt) => a.outcome)).toEqual(['TimedOut']);
    const twice = (await detail(retried)).steps[0];
    expect(twice).toMatchObject({ status: 'Failed', attempt: 2 });
    expect(twice.attempts.map((a: Attempt) => a.outcome)).toEqual(['TimedOut', 'TimedOut']);
  });

  it('does not retry a cancelled attempt, and cancel stops a retry that waits', async () => {
    const running = await runSteps(t, 'Cancel running', [exe(0, '/bin/sleep', '30', { maxAttempts: 3, retryDelaySeconds: 1 })]);
    await waitFor(async () => (await detail(running)).steps[0].status === 'Processing' || undefined, 15_000);
    await t.api().post(`/api/v1/schedule-executions/${running}/cancel`).expect(200);
    // The worker running it stops it within about a second.
    const cancelled = await waitFor(async () => {
      const step = (await detail(running)).steps[0];
      return step.status === 'Cancelled' ? step : undefined;
    }, 15_000);
    expect(cancelled).toMatchObject({ status: 'Cancelled', attempt: 1 });
    expect(cancelled.attempts.map((a: Attempt) => a.outcome)).toEqual(['Cancelled']);

    const waiting = await runSteps(t, 'Cancel waiting', [exe(0, '/bin/false', null, { maxAttempts: 3, retryDelaySeconds: 2 })]);
    const queued = await waitFor(async () => {
      const step = (await detail(waiting)).steps[0];
      return step.attempt === 2 ? step : undefined;
    }, 15_000);
    expect(queued.status).toBe('Queued');
    expect(Date.parse(queued.nextAttemptAt)).toBeGreaterThan(Date.parse(queued.attempts[0].completedAt));
    await t.api().post(`/api/v1/schedule-executions/${waiting}/cancel`).expect(200);
    // The delayed job falls due and finds nothing to run.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = await detail(waiting);
    expect(after.status).toBe('Cancelled');
    expect(after.steps[0]).toMatchObject({ status: 'Cancelled', attempt: 2, startedAt: null });
    expect(after.steps[0].attempts).toHaveLength(1);
  });
});
