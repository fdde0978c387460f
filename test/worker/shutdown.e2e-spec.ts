import { createTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/processes';
import { exe, execution, finished, runSteps, startWorkers } from './worker-harness';

describe('Graceful worker shutdown (SIGTERM)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const processing = (id: string) => waitFor(async () => (await execution(t, id)).steps[0].status === 'Processing');

  it('lets a running step finish within the grace period', async () => {
    const [worker] = await startWorkers(t, 1, { JIM_SHUTDOWN_GRACE_SECONDS: '10' });
    const id = await runSteps(t, 'Finishes during shutdown', [exe(0, '/bin/sleep', '1', { name: 'short' })]);
    await processing(id);
    await worker.stop('SIGTERM');
    // Shutdown hooks ran, then the process ended by the signal it was sent (not killed for being stuck).
    expect(worker.child.signalCode === 'SIGTERM' || worker.child.exitCode === 0).toBe(true);
    const done = await execution(t, id);
    expect(done.steps[0].status).toBe('Completed');
    expect(done.status).toBe('Complete');
  });

  it('stops a step that outlasts the grace period and records it as interrupted', async () => {
    const [worker] = await startWorkers(t, 1, { JIM_SHUTDOWN_GRACE_SECONDS: '1' });
    const id = await runSteps(t, 'Interrupted by shutdown', [exe(0, '/bin/sleep', '60', { name: 'long' }), exe(1, '/bin/true', null, { name: 'next' })]);
    await processing(id);
    const stoppedAt = Date.now();
    await worker.stop('SIGTERM');
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const done = await finished(t, id, 5000);
    expect(done.status).toBe('Failed');
    expect(done.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'Interrupted: the worker shut down before the step finished' });
    expect(done.steps[1]).toMatchObject({ status: 'Cancelled', errorMessage: 'Not run: a previous step failed' });
  });
});
