import { nominalFireTime, QueueKit, TICK_QUEUE, type TickJobData } from '@jim/queue';
import type { Job, Queue } from 'bullmq';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { exe, execution, finished, healthPort, runSteps, workerEnv } from './worker-harness';

const S = '/api/v1/schedules';

async function health(worker: RunningProcess, path: string): Promise<string> {
  return (await fetch(`http://127.0.0.1:${healthPort(worker)}${path}`)).text();
}

describe('Worker roles: firing separated from step work (real worker processes)', () => {
  let t: TestApp;
  let tickQueue: Queue;
  let scheduleId: string;
  const started: RunningProcess[] = [];
  const start = async (roles: string) => {
    const worker = await startWorker(workerEnv(t, { JIM_WORKER_ROLES: roles, WORKER_HEALTH_PORT: '0' }));
    started.push(worker);
    return worker;
  };

  beforeAll(async () => {
    t = await createTestApp();
    tickQueue = t.app.get(QueueKit).queue(TICK_QUEUE);
    const schedule = await t.api()
      .post(S)
      .send({ name: 'Every second', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/echo', 'ran')] })
      .expect(201);
    scheduleId = schedule.body.id;
  });
  afterAll(async () => {
    await Promise.all(started.map((w) => w.stop()));
    await tickQueue.close();
    await t.close();
  });

  const cronExecutions = async (): Promise<{ id: string }[]> =>
    t.db.query(`SELECT id FROM schedule_executions WHERE schedule_id = $1 AND trigger_kind = 'Cron' ORDER BY scheduled_for`, [scheduleId]);

  it('a steps-only worker runs steps but never fires a tick, and reports its role', async () => {
    const worker = await start('steps');
    // It runs step work: a manual run completes on it.
    expect((await finished(t, await runSteps(t, 'Manual on steps worker', [exe(0, '/bin/true')]))).status).toBe('Complete');
    // A tick of the cron schedule is overdue by seconds, and nobody took it.
    await waitFor(async () => {
      const ticks = (await tickQueue.getJobs(['delayed', 'waiting', 'prioritized'])) as Job<TickJobData>[];
      return ticks.some((job) => job.data.scheduleId === scheduleId && nominalFireTime(job).getTime() < Date.now() - 3000);
    }, 20_000, 250);
    expect(await cronExecutions()).toEqual([]);

    const ready = JSON.parse(await health(worker, '/health/ready'));
    expect(ready).toMatchObject({ status: 'ok', roles: ['steps'], checks: { workers: { status: 'up' } } });
    const metrics = await health(worker, '/metrics');
    expect(metrics).toContain('jim_worker_role{role="firing"} 0');
    expect(metrics).toContain('jim_worker_role{role="steps"} 1');
    await worker.stop();
  });

  it('a firing-only worker fires the tick and creates the execution; its steps wait for a steps worker, which runs them', async () => {
    const firing = await start('firing');
    // The execution exists and later ticks are skipped as overlapping: the firing worker keeps firing...
    const [first] = await waitFor(async () => {
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM skipped_runs WHERE schedule_id = $1`, [scheduleId]);
      const executions = await cronExecutions();
      return n >= 2 && executions.length >= 1 ? executions : undefined;
    }, 20_000, 250);
    // ...but nobody runs the steps.
    const waiting = await execution(t, first.id);
    expect(waiting.steps).toEqual([expect.objectContaining({ status: 'Queued', startedAt: null, exitCode: null })]);
    expect(JSON.parse(await health(firing, '/health/ready'))).toMatchObject({ status: 'ok', roles: ['firing'] });
    expect(await health(firing, '/metrics')).toContain('jim_worker_role{role="steps"} 0');

    await start('steps');
    const done = await finished(t, first.id);
    expect(done.status).toBe('Complete');
    expect(done.steps).toEqual([expect.objectContaining({ status: 'Completed', exitCode: 0, stdoutTail: expect.stringContaining('ran') })]);
    await t.api().post(`${S}/${scheduleId}/disable`).expect(200);
  });

  it('refuses to start with an unknown role, naming the variable', async () => {
    await expect(startWorker(workerEnv(t, { JIM_WORKER_ROLES: 'firing,sweeping' }))).rejects.toThrow(
      /exited with 1 before it was ready:[\s\S]*JIM_WORKER_ROLES must be "firing", "steps" or "firing,steps" \(got "sweeping"\)/,
    );
  });
});
