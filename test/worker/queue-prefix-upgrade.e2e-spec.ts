import { QueueKit, TICK_QUEUE, schedulerIdFor } from '@jim/queue';
import { Queue } from 'bullmq';
import { createTestApp, REDIS_URL, TEST_QUEUE_BACKEND, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { exe, startWorkers } from './worker-harness';

const S = '/api/v1/schedules';

// Only Redis keys moved to per-queue hash tags; the PostgreSQL backend keeps its prefix.
const describeRedis = TEST_QUEUE_BACKEND === 'redis' ? describe : describe.skip;

describeRedis('Upgrade from the single {jim} hash tag to one per queue', () => {
  let t: TestApp;
  let workers: RunningProcess[] = [];
  let legacy: Queue;

  beforeAll(async () => {
    t = await createTestApp();
    // Where earlier versions kept the tick queue: directly under JIM_QUEUE_PREFIX.
    legacy = new Queue(TICK_QUEUE, { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix: t.config.queuePrefix });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await legacy.obliterate({ force: true }).catch(() => undefined);
    await legacy.close();
    await t.close();
  });

  it('removes job schedulers left under the old prefix at start-up and fires from the new one, once per tick', async () => {
    const s = await t.api()
      .post(S)
      .send({ name: 'Upgraded', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/true')] })
      .expect(201);
    await legacy.upsertJobScheduler(schedulerIdFor(s.body.id), { every: 1000 }, { name: 'tick', data: { scheduleId: s.body.id } });
    await legacy.upsertJobScheduler('not-a-schedule', { every: 60_000 }, { name: 'other' });
    expect(t.app.get(QueueKit).prefixFor(TICK_QUEUE)).not.toBe(t.config.queuePrefix);

    workers = await startWorkers(t, 1);
    const left = await waitFor(async () => {
      const ids = (await legacy.getJobSchedulers(0, 100)).map((j) => j.key);
      return ids.includes(schedulerIdFor(s.body.id)) ? undefined : ids;
    }, 15_000);
    // Only the schedules' own schedulers are removed.
    expect(left).toEqual(['not-a-schedule']);
    await waitFor(async () => {
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [s.body.id]);
      return n >= 2;
    }, 15_000);
  });
});
