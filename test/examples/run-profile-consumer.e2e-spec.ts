import { join } from 'node:path';
import { createTestApp, REDIS_URL, type TestApp } from '../support/test-app';
import { startProcess, type RunningProcess } from '../support/processes';
import { finished, startWorkers } from '../worker/worker-harness';

const EXAMPLE = join(__dirname, '..', '..', 'dist/examples/run-profile-consumer.js');

/** The example custom engine of docs/run-profile-queue.md, run as its own process against real workers on Redis. */
describe('examples/run-profile-consumer.ts completes RunProfile steps', () => {
  let t: TestApp;
  let workers: RunningProcess[] = [];
  let consumer: RunningProcess | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    workers = await startWorkers(t, 1);
    consumer = await startProcess(EXAMPLE, { REDIS_URL, JIM_QUEUE_PREFIX: t.config.queuePrefix }, /Consuming queue 'run-profiles'/);
  });
  afterAll(async () => {
    await consumer?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  it('runs a schedule whose RunProfile step the example consumes: the execution is Complete', async () => {
    expect(t.config.queueBackend).toBe('redis');
    const system = await t.api().post('/api/v1/synchronisation/connected-systems').send({ name: 'HR' }).expect(201);
    const profile = await t.api()
      .post(`/api/v1/synchronisation/connected-systems/${system.body.id}/run-profiles`)
      .send({ name: 'Delta Import', runType: 'DeltaImport' })
      .expect(201);
    const schedule = await t.api()
      .post('/api/v1/schedules')
      .send({ name: 'Custom engine', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: system.body.id, runProfileId: profile.body.id }] })
      .expect(201);
    const run = await t.api().post(`/api/v1/schedules/${schedule.body.id}/run`).expect(202);
    const done = await finished(t, run.body.executionId);
    expect(done.status).toBe('Complete');
    expect(done.steps).toEqual([
      expect.objectContaining({ name: 'HR - Delta Import', status: 'Completed', stdoutTail: "Ran DeltaImport 'Delta Import' of 'HR'" }),
    ]);
  });
});
