import { JobSchedulerSync, QueueKit, ReconcileStalledError, schedulerIdFor, TICK_QUEUE, type FiringSource, type FiringSpec } from '@jim/queue';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, REDIS_URL, TEST_QUEUE_BACKEND, uniquePrefix, type TestApp } from '../support/test-app';
import { exe, workerEnv } from './worker-harness';

const S = '/api/v1/schedules';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Yearly, far from now: nothing fires while the test runs. */
const YEARLY = (i: number) => ({ triggerType: 'Cron', patternType: 'Custom', cronExpression: `${i} 3 1 ${((new Date().getUTCMonth() + 6) % 12) + 1} *` });

function spec(i: number): FiringSpec {
  return { id: randomUUID(), isEnabled: true, triggerType: 'Cron', cronExpression: `${i} 3 * * *`, timeZone: 'UTC' };
}

/** What should fire, in batches of one, each answered after `delayMs`; counts the batches read. */
function source(specs: FiringSpec[], delayMs = 0): FiringSource & { reads: number } {
  const s = {
    reads: 0,
    async *batches() {
      for (const one of specs) {
        await sleep(delayMs);
        s.reads++;
        yield [one];
      }
    },
    specsOf: async (ids: string[]) => specs.filter((x) => ids.includes(x.id)),
  };
  return s;
}

const redis = new URL(REDIS_URL);
const through = (proxy: TcpProxy) => {
  const url = new URL(REDIS_URL);
  url.port = String(proxy.port);
  return url.toString();
};

// A Redis that stops answering (the connection stays open): a reconcile pass must not wait on it for ever while it
// holds the reconcile turn. (The PostgreSQL queue backend has no Redis; its calls are bounded by query_timeout.)
(TEST_QUEUE_BACKEND === 'redis' ? describe : describe.skip)('A reconcile pass whose Redis stops answering', () => {
  describe('JobSchedulerSync.reconcile', () => {
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    let queue: Queue;
    let sync: JobSchedulerSync;

    beforeAll(async () => {
      await proxy.start();
      queue = new QueueKit({ backend: 'redis', redisUrl: through(proxy), prefix: uniquePrefix() }).tickQueue(TICK_QUEUE) as Queue;
      sync = new JobSchedulerSync(queue);
    });
    afterAll(async () => {
      proxy.resume();
      await queue.obliterate({ force: true });
      await queue.close();
      await proxy.stop();
    });

    it('is abandoned with ReconcileStalledError once one call waits longer than stallMs, starts no call after, and the next pass succeeds', async () => {
      const specs = [spec(1), spec(2), spec(3)];
      expect(await sync.reconcile(source(specs), { stallMs: 1000 })).toEqual({ checked: 3, upserted: 3, removed: 0 });

      proxy.pause();
      const stalled = source(specs);
      const started = Date.now();
      const error = await sync.reconcile(stalled, { stallMs: 1000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReconcileStalledError);
      expect(error).toMatchObject({ code: 'RECONCILE_STALLED', message: 'The reconcile pass got no answer within 1000 ms and was abandoned' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(5000);

      // The call it gave up on answers now; the abandoned pass goes no further (it never reads the schedules).
      proxy.resume();
      await sleep(1000);
      expect(stalled.reads).toBe(0);

      expect(await sync.reconcile(source(specs), { stallMs: 1000 })).toEqual({ checked: 3, upserted: 0, removed: 0 });
      const keys = (await queue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
      expect(keys).toEqual(specs.map((s) => schedulerIdFor(s.id)).sort());
    }, 30_000);

    it('bounds each call, not the pass: a pass longer than stallMs whose calls each answer in time completes', async () => {
      const specs = [spec(11), spec(12), spec(13), spec(14), spec(15)];
      const slow = source(specs, 400);
      const started = Date.now();
      expect(await sync.reconcile(slow, { stallMs: 1000 })).toEqual({ checked: 5, upserted: 5, removed: 3 });
      expect(Date.now() - started).toBeGreaterThan(2000);
      expect(slow.reads).toBe(5);
    }, 30_000);
  });

  describe('in worker processes', () => {
    const proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    let t: TestApp;
    let queue: Queue;
    const workers: RunningProcess[] = [];

    beforeAll(async () => {
      await proxy.start();
      t = await createTestApp();
      queue = t.app.get(QueueKit).queue(TICK_QUEUE) as Queue;
    });
    afterAll(async () => {
      proxy.resume();
      await Promise.all(workers.map((w) => w.stop()));
      await queue.close();
      await t.close();
      await proxy.stop();
    });

    it('releases the turn of a worker stuck on Redis, so another worker repairs the job schedulers', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const s = await t.api().post(S).send({ name: `Yearly ${i}`, ...YEARLY(i), isEnabled: true, steps: [exe(0, '/bin/true')] }).expect(201);
        ids.push(s.body.id);
      }
      // The first worker reaches Redis through the proxy, which then stops answering: its next pass takes the
      // reconcile turn and waits on Redis. Only then does a second worker, on Redis directly, start.
      const fast = { JIM_WORKER_ROLES: 'firing', JIM_RECONCILE_INTERVAL_SECONDS: '1', JIM_RECONCILE_STALL_SECONDS: '2' };
      const stuck = await startWorker(workerEnv(t, { ...fast, REDIS_URL: through(proxy) }));
      workers.push(stuck);
      proxy.pause();
      await sleep(1500);
      workers.push(await startWorker(workerEnv(t, fast)));

      // The queue loses a job scheduler; only a reconcile pass brings it back.
      const has = async (id: string) => (await queue.getJobSchedulers(0, -1, true)).some((s) => s.key === schedulerIdFor(id));
      expect(await has(ids[1])).toBe(true);
      await queue.removeJobScheduler(schedulerIdFor(ids[1]));
      expect(await has(ids[1])).toBe(false);
      await waitFor(() => has(ids[1]), 30_000);
      expect(stuck.output()).toMatch(/"Reconciling job schedulers failed; will retry"[^\n]*RECONCILE_STALLED|RECONCILE_STALLED[^\n]*"Reconciling job schedulers failed; will retry"/);
    }, 90_000);
  });
});
