import { StepQueues } from '@jim/queue';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { healthPort, workerEnv } from './worker-harness';

/**
 * Readiness warns, without going down, when jobs wait for a worker longer than JIM_QUEUE_BACKLOG_WARN_SECONDS: here a
 * step job waits because only a `firing` worker runs.
 */
describe('Queue backlog in readiness (API and a real worker process)', () => {
  let t: TestApp;
  let worker: RunningProcess;
  const workerReady = async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort(worker)}/health/ready`);
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    t = await createTestApp({ JIM_QUEUE_BACKLOG_WARN_SECONDS: '1' });
    worker = await startWorker(workerEnv(t, { JIM_WORKER_ROLES: 'firing', WORKER_HEALTH_PORT: '0', JIM_QUEUE_BACKLOG_WARN_SECONDS: '1' }));
  });
  afterAll(async () => {
    await worker?.stop();
    await t.close();
  });

  it('reports ok with no job waiting, degraded (still 200) while one waits longer than the threshold, ok once it is gone', async () => {
    const idle = await request(t.http).get('/health/ready').expect(200);
    expect(idle.body).toMatchObject({ status: 'ok', backlog: { status: 'ok', thresholdSeconds: 1, oldestWaitingSeconds: 0 } });
    expect(idle.body.backlog.queue).toBeUndefined();

    const stepQueue = t.app.get(StepQueues).all[0];
    const job = await stepQueue.add('waiting-for-a-steps-worker', {});
    const behind = await waitFor(async () => {
      const res = await request(t.http).get('/health/ready');
      return res.body.backlog?.status === 'behind' ? res : undefined;
    }, 15_000, 250);
    expect(behind.status).toBe(200);
    expect(behind.body).toMatchObject({
      status: 'degraded',
      checks: { database: { status: 'up' }, queue: { status: 'up' } },
      backlog: { status: 'behind', thresholdSeconds: 1, queue: stepQueue.name },
    });
    expect(behind.body.backlog.oldestWaitingSeconds).toBeGreaterThan(1);

    const fromWorker = await workerReady();
    expect(fromWorker.status).toBe(200);
    expect(fromWorker.body).toMatchObject({ status: 'degraded', roles: ['firing'], backlog: { status: 'behind', queue: stepQueue.name } });

    await job.remove();
    const recovered = await request(t.http).get('/health/ready').expect(200);
    expect(recovered.body).toMatchObject({ status: 'ok', backlog: { status: 'ok', oldestWaitingSeconds: 0 } });
    expect((await workerReady()).body).toMatchObject({ status: 'ok', backlog: { status: 'ok' } });
  });
});
