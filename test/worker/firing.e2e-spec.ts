import { QueueKit, TICK_QUEUE, schedulerIdFor } from '@jim/queue';
import type { Job } from 'bullmq';
import Redis from 'ioredis';
import { createTestApp, REDIS_URL, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { exe, finished, startWorkers } from './worker-harness';

const S = '/api/v1/schedules';

/**
 * Deletes every key under `prefix` in one server-side script, so that no worker writes in between (the reconciler
 * runs every 2 s here), and returns how many keys it deleted and how many job schedulers `repeatKey` held after.
 */
async function wipeKeys(prefix: string, repeatKey: string): Promise<{ deleted: number; left: number }> {
  const redis = new Redis(REDIS_URL);
  const script = `
    local deleted = 0
    local cursor = '0'
    repeat
      local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
      cursor = page[1]
      for _, key in ipairs(page[2]) do deleted = deleted + redis.call('DEL', key) end
    until cursor == '0'
    return { deleted, redis.call('ZCARD', ARGV[2]) }`;
  const [deleted, left] = (await redis.eval(script, 0, `${prefix}:*`, repeatKey)) as [number, number];
  await redis.quit();
  return { deleted, left };
}

describe('Cron firing (real worker processes)', () => {
  let t: TestApp;
  let workers: RunningProcess[];

  beforeAll(async () => {
    t = await createTestApp();
    workers = await startWorkers(t, 3);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  async function executionsOf(scheduleId: string): Promise<{ scheduled_for: Date; started_at: Date; status: string }[]> {
    return t.db.query(`SELECT scheduled_for, started_at, status FROM schedule_executions WHERE schedule_id = $1 ORDER BY scheduled_for`, [scheduleId]);
  }

  it('fires a seconds-level custom trigger on its nominal times, once per tick, with three workers', async () => {
    const s = await t.api()
      .post(S)
      .send({ name: 'Every second', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/true')] })
      .expect(201);
    await waitFor(async () => (await executionsOf(s.body.id)).length >= 6, 20_000);
    await t.api().post(`${S}/${s.body.id}/disable`).expect(200);
    await new Promise((r) => setTimeout(r, 1500));
    const executions = await executionsOf(s.body.id);
    const skipped: { scheduled_for: Date }[] = await t.db.query(`SELECT scheduled_for FROM skipped_runs WHERE schedule_id = $1`, [s.body.id]);
    const ticks = [...executions.map((e) => e.scheduled_for.getTime()), ...skipped.map((r) => r.scheduled_for.getTime())].sort();
    // Every nominal time is a whole second, none repeats, and none is missing between the first and the last.
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.filter((ms) => ms % 1000 !== 0)).toEqual([]);
    expect((ticks[ticks.length - 1] - ticks[0]) / 1000 + 1).toBe(ticks.length);
    // Tick jobs are delivered ahead of their time (TICK_LEAD_MS); no execution starts before its nominal time.
    for (const e of executions) expect(e.started_at.getTime()).toBeGreaterThanOrEqual(e.scheduled_for.getTime());
    const [row] = await t.db.query(`SELECT last_run_time, next_run_time FROM schedules WHERE id = $1`, [s.body.id]);
    expect(row.last_run_time).not.toBeNull();
    // The work is shared: steps of these executions ran on more than one worker process.
    const [{ workers: used }] = await t.db.query(
      `SELECT count(DISTINCT st.worker_id)::int AS workers FROM schedule_execution_steps st
       JOIN schedule_executions e ON e.id = st.execution_id WHERE e.schedule_id = $1`,
      [s.body.id],
    );
    expect(used).toBeGreaterThanOrEqual(2);
    expect(row.next_run_time).toBeNull();
  });

  it('fires */2 on even seconds and advances nextRunTime after each tick', async () => {
    const s = await t.api()
      .post(S)
      .send({ name: 'Every two seconds', triggerType: 'Cron', patternType: 'Custom', cronExpression: '*/2 * * * * *', isEnabled: true, steps: [exe(0, '/bin/true')] })
      .expect(201);
    await waitFor(async () => (await executionsOf(s.body.id)).length >= 2, 15_000);
    const executions = await executionsOf(s.body.id);
    expect(executions.filter((e) => (e.scheduled_for.getTime() / 1000) % 2 !== 0)).toEqual([]);
    const [row] = await t.db.query(`SELECT next_run_time FROM schedules WHERE id = $1`, [s.body.id]);
    expect(row.next_run_time.getTime()).toBeGreaterThan(executions[executions.length - 1].scheduled_for.getTime());
    await t.api().delete(`${S}/${s.body.id}`).expect(204);
  });

  it('skips a tick while the previous execution is still running, and records why', async () => {
    const s = await t.api()
      .post(S)
      .send({ name: 'Overlapping', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/sleep', '3')] })
      .expect(201);
    const skipped = await waitFor(async () => {
      const rows = await t.db.query(`SELECT reason FROM skipped_runs WHERE schedule_id = $1`, [s.body.id]);
      return rows.length >= 2 ? rows : undefined;
    }, 15_000);
    expect(skipped[0].reason).toMatch(/^Execution [0-9a-f-]{36} was still in progress$/);
    const api = await t.api().get(`${S}/${s.body.id}/skipped-runs`).expect(200);
    expect(api.body.totalCount).toBeGreaterThanOrEqual(2);
    await t.api().post(`${S}/${s.body.id}/disable`).expect(200);
    const active = await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1 AND status IN ('Queued','InProgress')`, [s.body.id]);
    expect(active[0].n).toBeLessThanOrEqual(1);
  });

  it('does nothing for a schedule that was switched to Manual; its job scheduler is removed', async () => {
    const s = await t.api()
      .post(S)
      .send({ name: 'Goes manual', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/true')] })
      .expect(201);
    await waitFor(async () => (await executionsOf(s.body.id)).length >= 1, 10_000);
    await t.api().put(`${S}/${s.body.id}`).send({ name: 'Goes manual', triggerType: 'Manual', steps: [exe(0, '/bin/true')] }).expect(200);
    const kit = t.app.get(QueueKit);
    const queue = kit.queue(TICK_QUEUE);
    expect(await queue.getJobScheduler(schedulerIdFor(s.body.id))).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1200));
    const count = (await executionsOf(s.body.id)).length;
    await new Promise((r) => setTimeout(r, 2000));
    expect((await executionsOf(s.body.id)).length).toBe(count);
    await queue.close();
  });

  it('rebuilds every job scheduler from the database after the queue is wiped', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await t.api()
        .post(S)
        .send({ name: `Survivor ${i}`, triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,3,5', runTimes: `0${i}:15`, isEnabled: true, timeZone: 'Europe/London' })
        .expect(201);
      ids.push(s.body.id);
    }
    const queue = t.app.get(QueueKit).queue(TICK_QUEUE);
    if (t.config.queueBackend === 'redis') {
      const prefix = t.app.get(QueueKit).prefixFor(TICK_QUEUE);
      const wiped = await wipeKeys(prefix, `${prefix}:${TICK_QUEUE}:repeat`);
      expect(wiped.deleted).toBeGreaterThan(0);
      expect(wiped.left).toBe(0);
    } else {
      await queue.obliterate({ force: true });
      expect(await queue.getJobSchedulersCount()).toBe(0);
    }
    const schedulers = await waitFor(async () => {
      const all = await queue.getJobSchedulers(0, 1000);
      const ours = all.filter((j) => ids.some((id) => j.key === schedulerIdFor(id)));
      return ours.length === ids.length ? ours : undefined;
    }, 30_000).catch((error: Error) => {
      // What the workers said meanwhile (the reconciler logs each failed pass).
      const said = workers.map((w, i) => `worker ${i + 1}:\n${w.output().split('\n').filter((line) => /Reconcil|WARN|ERROR/.test(line)).slice(-15).join('\n')}`);
      throw new Error(`${error.message}\n${said.join('\n')}`);
    });
    for (const scheduler of schedulers) {
      expect(scheduler.tz).toBe('Europe/London');
      expect(scheduler.pattern).toMatch(/^15 \d /);
    }
    expect(new Set(schedulers.map((s) => s.key)).size).toBe(ids.length);
    await queue.close();
  });
});

describe('RunProfile steps hand over to the sync engine through the run-profiles queue', () => {
  let t: TestApp;
  let workers: RunningProcess[];
  let systemId: number;
  let profileId: number;

  beforeAll(async () => {
    t = await createTestApp();
    workers = await startWorkers(t, 1);
    const cs = await t.api().post('/api/v1/synchronisation/connected-systems').send({ name: 'HR' }).expect(201);
    const rp = await t.api().post(`/api/v1/synchronisation/connected-systems/${cs.body.id}/run-profiles`).send({ name: 'Delta Import', runType: 'DeltaImport' }).expect(201);
    systemId = cs.body.id;
    profileId = rp.body.id;
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  const run = async (name: string) => {
    const s = await t.api().post(S).send({ name, steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: systemId, runProfileId: profileId }] }).expect(201);
    return (await t.api().post(`${S}/${s.body.id}/run`).expect(202)).body.executionId as string;
  };

  it('fails at once with a clear message when no engine consumes the queue', async () => {
    const done = await finished(t, await run('No engine'));
    expect(done.status).toBe('Failed');
    expect(done.steps[0].errorMessage).toBe("No sync engine: set JIM_SYNC_URL to drive JIM, or attach a consumer to the 'run-profiles' queue (docs/run-profile-queue.md)");
  });

  it('passes the run profile to a consumer and maps its result', async () => {
    const seen: unknown[] = [];
    const { Worker } = t.app.get(QueueKit).bullmqClasses;
    const engine = new Worker(
      'run-profiles',
      async (job: Job) => {
        seen.push(job.data);
        return { status: 'CompleteWithWarning', message: '3 objects had warnings' };
      },
      { connection: t.app.get(QueueKit).connectionOptions, prefix: t.app.get(QueueKit).prefixFor('run-profiles') },
    );
    await engine.waitUntilReady();
    const id = await run('With engine');
    const done = await finished(t, id);
    await engine.close();
    expect(done.status).toBe('Complete');
    expect(done.steps[0]).toMatchObject({ status: 'CompletedWithWarning', name: 'HR - Delta Import' });
    expect(seen).toEqual([
      expect.objectContaining({ connectedSystemId: systemId, connectedSystemName: 'HR', runProfileId: profileId, runProfileName: 'Delta Import', runType: 'DeltaImport', scheduleExecutionId: id }),
    ]);
  });
});
