import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { exe, finished, healthPort, runSteps, workerEnv } from './worker-harness';

type LogLine = Record<string, any>;

function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as LogLine);
}

async function get(base: string, path: string, init?: RequestInit): Promise<{ status: number; text: string; json: () => any; type: string | null }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text), type: res.headers.get('content-type') };
}

/** The value of one sample in a Prometheus text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Worker health, metrics and logs (real worker process)', () => {
  let t: TestApp;
  let worker: RunningProcess;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker(workerEnv(t, { WORKER_HEALTH_PORT: '0' }));
    base = `http://127.0.0.1:${healthPort(worker)}`;
  });
  afterAll(async () => {
    await worker?.stop();
    await t.close();
  });

  it('serves /health/live and /health/ready with the running step count', async () => {
    const live = await get(base, '/health/live');
    expect(live.status).toBe(200);
    expect(live.json()).toEqual({ status: 'ok', runningSteps: 0 });

    const ready = await get(base, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up', durationMs: expect.any(Number) },
        queue: { status: 'up', durationMs: expect.any(Number) },
        workers: { status: 'up' },
      },
      roles: ['firing', 'steps'],
      runningSteps: 0,
      backlog: { status: 'ok', thresholdSeconds: 30, oldestWaitingSeconds: 0 },
    });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await get(base, '/nothing-here')).status).toBe(404);
    const post = await get(base, '/health/ready', { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('counts running steps, step durations by type and outcome, executions and queue depths', async () => {
    const id = await runSteps(t, 'Observed run', [
      exe(0, '/bin/sleep', '2', { name: 'sleepy' }),
      exe(1, '/bin/false', null, { name: 'fails', continueOnFailure: true }),
    ]);
    const during = await waitFor(async () => {
      const body = (await get(base, '/health/ready')).json();
      return body.runningSteps === 1 ? body : undefined;
    }, 10_000, 50);
    expect(during.status).toBe('ok');
    expect((await finished(t, id)).status).toBe('Complete');

    const text = await waitFor(async () => {
      const res = await get(base, '/metrics');
      return sample(res.text, 'jim_executions{status="Complete"}') === 1 ? res.text : undefined;
    }, 15_000, 250);
    expect(sample(text, 'jim_step_duration_seconds_count{step_type="Executable",outcome="Completed"}')).toBe(1);
    expect(sample(text, 'jim_step_duration_seconds_count{step_type="Executable",outcome="Failed"}')).toBe(1);
    expect(sample(text, 'jim_step_duration_seconds_sum{step_type="Executable",outcome="Completed"}')).toBeGreaterThanOrEqual(1.9);
    expect(sample(text, 'jim_step_duration_seconds_bucket{le="1",step_type="Executable",outcome="Completed"}')).toBe(0);
    expect(sample(text, 'jim_step_duration_seconds_bucket{le="2.5",step_type="Executable",outcome="Completed"}')).toBe(1);
    expect(sample(text, 'jim_executions{status="InProgress"}')).toBe(0);
    expect(sample(text, 'jim_running_steps')).toBe(0);
    for (const queue of ['schedule-ticks', 'schedule-steps', 'run-profiles', 'notifications']) {
      for (const state of ['waiting', 'active', 'delayed']) {
        expect(sample(text, `jim_queue_depth{queue="${queue}",state="${state}"}`)).toEqual(expect.any(Number));
      }
    }
    expect(sample(text, 'jim_worker_role{role="firing"}')).toBe(1);
    expect(sample(text, 'jim_worker_role{role="steps"}')).toBe(1);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('logs every line as JSON; the lines of a step carry its execution, schedule and step', async () => {
    const id = await runSteps(t, 'Logged run', [exe(0, '/bin/true', null, { name: 'quick' })]);
    await finished(t, id);
    const [{ schedule_id: scheduleId }] = await t.db.query(`SELECT schedule_id FROM schedule_executions WHERE id = $1`, [id]);
    const lines = await waitFor(async () => {
      const all = jsonLines(worker.output());
      return all.some((l) => l.executionId === id && l.msg === 'Step finished') ? all : undefined;
    }, 10_000);
    const stepLines = lines.filter((l) => l.executionId === id);
    expect(stepLines.map((l) => l.msg)).toEqual(['Step started', 'Step finished']);
    for (const line of stepLines) {
      expect(line).toMatchObject({
        name: 'jim-worker',
        executionId: id,
        scheduleId,
        executionStepId: expect.any(String),
        step: { id: expect.any(String), index: 0, name: 'quick', type: 'Executable' },
      });
    }
    expect(stepLines[1]).toMatchObject({ level: 'info', outcome: 'Completed', durationMs: expect.any(Number) });
    expect(lines.some((l) => l.context === 'Worker' && /Worker started/.test(l.msg))).toBe(true);
  });

  it('measures fire lag of cron ticks and counts the ticks skipped while the previous run is active', async () => {
    const schedule = await t
      .api()
      .post('/api/v1/schedules')
      .send({ name: 'Every second, slow', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/sleep', '2')] })
      .expect(201);
    try {
      const text = await waitFor(async () => {
        const res = await get(base, '/metrics');
        return (sample(res.text, 'jim_skipped_ticks_total{reason="overlap"}') ?? 0) >= 1 ? res.text : undefined;
      }, 20_000, 250);
      const started = sample(text, 'jim_ticks_total{outcome="started"}') ?? 0;
      expect(started).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'jim_fire_lag_seconds_count')).toBe(started);
      // A tick is picked up well within 5 s of its nominal time on an idle worker.
      expect(sample(text, 'jim_fire_lag_seconds_bucket{le="5"}')).toBe(started);
      expect(sample(text, 'jim_ticks_total{outcome="skipped"}')).toBe(sample(text, 'jim_skipped_ticks_total{reason="overlap"}'));
      // The step binding ends with the step: tick lines logged by the same worker afterwards carry no execution.
      const lines = jsonLines(worker.output());
      expect(lines.some((l) => l.msg === 'Skipped a tick' && l.scheduleId === schedule.body.id)).toBe(true);
      expect(lines.filter((l) => l.executionId !== undefined && !['Step started', 'Step finished'].includes(l.msg))).toEqual([]);
    } finally {
      await t.api().delete(`/api/v1/schedules/${schedule.body.id}`).expect(204);
    }
  });

  it('answers /health/ready 503 within the check timeout when its database is unreachable', async () => {
    const proxy = new TcpProxy('127.0.0.1', 5432);
    await proxy.start();
    const url = new URL(t.databaseUrl);
    url.port = String(proxy.port);
    const cut = await startWorker(workerEnv(t, { WORKER_HEALTH_PORT: '0', DATABASE_URL: url.toString() }));
    try {
      const cutBase = `http://127.0.0.1:${healthPort(cut)}`;
      expect((await get(cutBase, '/health/ready')).status).toBe(200);
      // On the PostgreSQL queue backend, BullMQ checks its schema on a pooled client with no error listener while a
      // worker's queues start; cutting the database in that window crashes the process. Let start-up settle first.
      if (t.config.queueBackend === 'postgres') await new Promise((resolve) => setTimeout(resolve, 2000));
      await proxy.stop();

      const started = Date.now();
      const ready = await get(cutBase, '/health/ready');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(ready.status).toBe(503);
      const body = ready.json();
      expect(body).toMatchObject({ status: 'error', checks: { database: { status: 'down' }, workers: { status: 'up' } }, runningSteps: 0 });
      expect(ready.text).not.toMatch(/stack|message|postgres:/i);
      expect((await get(cutBase, '/health/live')).status).toBe(200);

      await proxy.start(proxy.port);
      await waitFor(async () => (await get(cutBase, '/health/ready')).status === 200, 15_000);
    } finally {
      // Stopped hard: with its database possibly still cut, a graceful stop has nothing to gain.
      await cut.stop('SIGKILL');
      await proxy.stop();
    }
  });
});
