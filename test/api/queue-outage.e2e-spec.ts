import type request from 'supertest';
import { TcpProxy } from '../support/tcp-proxy';
import { REDIS_URL, TEST_QUEUE_BACKEND, createTestApp, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const WARNING = /^199 jim-schedules "Saved, but the job scheduler could not be updated now.*; the workers will reconcile it from the database"$/;

const weekdays = (name: string) => ({
  name,
  triggerType: 'Cron',
  patternType: 'SpecificTimes',
  daysOfWeek: '1,2,3,4,5',
  runTimes: '06:30',
  timeZone: 'Europe/London',
  steps: [{ stepIndex: 0, stepType: 'Executable', name: 'Export', executablePath: '/bin/true' }],
});

// Schedule writes while the queue's Redis is unreachable: each is stored, answers with a Warning header, and is
// counted; with Redis back, writes answer without one. (The PostgreSQL queue backend has no Redis to lose.)
(TEST_QUEUE_BACKEND === 'redis' ? describe : describe.skip)('Schedule writes while Redis is unreachable', () => {
  const redis = new URL(REDIS_URL);
  const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    const through = new URL(REDIS_URL);
    through.port = String(proxy.port);
    t = await createTestApp({ REDIS_URL: through.toString() });
  });
  afterAll(async () => {
    await proxy.start(proxy.port).catch(() => undefined);
    await t.close();
    await proxy.stop();
  });

  const syncFailures = async (): Promise<number> => {
    const metrics = await t.api().get('/metrics').expect(200);
    return Number(/^jim_job_scheduler_sync_failures_total (\d+)$/m.exec(metrics.text)?.[1]);
  };

  it('stores create, update, disable, enable and delete, each with a Warning header, counted in /metrics; none once Redis is back', async () => {
    const before = await t.api().post(S).send(weekdays('Written with the queue up')).expect(201);
    expect(before.headers.warning).toBeUndefined();
    expect(await syncFailures()).toBe(0);

    await proxy.stop();
    const writes: [string, () => request.Test, number][] = [
      ['create', () => t.api().post(S).send(weekdays('Written while the queue is down')), 201],
      ['update', () => t.api().put(`${S}/${before.body.id}`).send({ ...weekdays('Renamed while the queue is down'), runTimes: '07:45' }), 200],
      ['disable', () => t.api().post(`${S}/${before.body.id}/disable`), 200],
      ['enable', () => t.api().post(`${S}/${before.body.id}/enable`), 200],
    ];
    let createdId = '';
    for (const [what, send, status] of writes) {
      const res = await send();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect({ what, warning: res.headers.warning }).toEqual({ what, warning: expect.stringMatching(WARNING) });
      if (what === 'create') createdId = res.body.id;
    }
    const removed = await t.api().delete(`${S}/${createdId}`).expect(204);
    expect(removed.headers.warning).toMatch(WARNING);

    // Every write was stored.
    const updated = await t.api().get(`${S}/${before.body.id}`).expect(200);
    expect(updated.body).toMatchObject({ name: 'Renamed while the queue is down', runTimes: '07:45', isEnabled: true });
    await t.api().get(`${S}/${createdId}`).expect(404);
    expect(await syncFailures()).toBe(5);

    await proxy.start(proxy.port);
    const after = await t.api().post(`${S}/${before.body.id}/disable`).expect(200);
    expect(after.headers.warning).toBeUndefined();
    expect(await syncFailures()).toBe(5);
  }, 60_000);
});
