import { createTestApp, TEST_QUEUE_BACKEND, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { startRedisSentinel, type RedisSentinelTopology } from '../support/redis-topologies';
import { exe, startWorkers } from '../worker/worker-harness';
import { tickHistory } from './redis-failover';

const S = '/api/v1/schedules';

// Sentinel only exists for the Redis backend.
const describeRedis = TEST_QUEUE_BACKEND === 'redis' ? describe : describe.skip;

describeRedis('Redis Sentinel (1 master + 1 replica + 3 sentinels, real servers)', () => {
  let sentinel: RedisSentinelTopology;
  let t: TestApp | undefined;
  let workers: RunningProcess[] = [];

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    const env = { REDIS_SENTINELS: sentinel.sentinelList, REDIS_SENTINEL_MASTER: sentinel.masterName };
    t = await createTestApp(env);
    workers = await startWorkers(t, 2, { ...env, JIM_MISFIRE_GRACE_SECONDS: '3' });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t?.close();
    await sentinel?.stop();
  });

  it('keeps firing after the master is killed and the sentinels promote the replica: no duplicate, every tick run or recorded as missed', async () => {
    const s = await t!.api()
      .post(S)
      .send({ name: 'Across a sentinel failover', triggerType: 'Cron', patternType: 'Custom', cronExpression: '* * * * * *', isEnabled: true, steps: [exe(0, '/bin/true')] })
      .expect(201);
    expect(s.headers.warning).toBeUndefined();
    await waitFor(async () => (await tickHistory(t!.db, s.body.id)).executions.length >= 3, 20_000);
    // The queue lives on the master the sentinels name.
    expect(Number(await sentinel.master.command('DBSIZE'))).toBeGreaterThan(0);

    await sentinel.master.kill();
    await waitFor(async () => (await sentinel.currentMasterPort()) === sentinel.replica.port, 30_000, 200);
    const promoted = Date.now();

    const history = await waitFor(async () => {
      const h = await tickHistory(t!.db, s.body.id);
      const last = h.executions[h.executions.length - 1];
      return last && last.getTime() > promoted + 2000 && h.unaccounted.length === 0 ? h : undefined;
    }, 45_000, 500);
    await t!.api().post(`${S}/${s.body.id}/disable`).expect(200);
    expect(history.duplicates).toBe(0);
    expect(history.unaccounted).toEqual([]);
    // Steps keep running on the promoted master too.
    const [{ n }] = await t!.db.query(
      `SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1 AND status = 'Complete' AND scheduled_for > $2`,
      [s.body.id, new Date(promoted)],
    );
    expect(n).toBeGreaterThan(0);
    expect(Number(await sentinel.replica.command('DBSIZE'))).toBeGreaterThan(0);
    const ready = await t!.api().get('/health/ready').expect(200);
    expect(ready.body.checks.queue.status).toBe('up');
  });
});
