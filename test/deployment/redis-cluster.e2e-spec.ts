import type { Cluster } from 'ioredis';
import { QueueKit, STEP_QUEUE, stepQueueName, TICK_QUEUE, taggedPrefix } from '@jim/queue';
import { createTestApp, TEST_QUEUE_BACKEND, uniquePrefix, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { startRedisCluster, type RedisClusterTopology, type RedisProcess } from '../support/redis-topologies';
import { exe, finished, runSteps, startWorkers } from '../worker/worker-harness';
import { tickHistory } from './redis-failover';

const S = '/api/v1/schedules';
const everySecond = (name: string) => ({
  name,
  triggerType: 'Cron',
  patternType: 'Custom',
  cronExpression: '* * * * * *',
  isEnabled: true,
  steps: [exe(0, '/bin/true')],
});

const SHUTDOWN_GRACE_SECONDS = 5;

/** The hash tag of a tagged prefix (`{jimtest-1a2b:schedule-ticks}` → `jimtest-1a2b:schedule-ticks`). */
const tagOf = (prefix: string) => /\{([^}]+)\}/.exec(prefix)![1];

// A Redis Cluster only exists for the Redis backend.
const describeRedis = TEST_QUEUE_BACKEND === 'redis' ? describe : describe.skip;

describeRedis('Redis Cluster (3 masters + 3 replicas, real servers)', () => {
  let cluster: RedisClusterTopology;
  let t: TestApp | undefined;
  let workers: RunningProcess[] = [];
  let prefix: string;

  async function slotOf(queue: string): Promise<number> {
    return Number(await cluster.nodes[0].command('CLUSTER', 'KEYSLOT', tagOf(taggedPrefix(prefix, queue))));
  }

  /** The live nodes replicating `master`. */
  async function replicasOf(master: RedisProcess): Promise<RedisProcess[]> {
    const infos = await Promise.all(cluster.nodes.filter((n) => n.alive && n !== master).map(async (n) => ({ n, info: await n.command('INFO', 'replication') })));
    return infos.filter(({ info }) => info.includes(`master_port:${master.port}`)).map(({ n }) => n);
  }

  /** The node replicating `master` (each master has one). */
  async function replicaOf(master: RedisProcess): Promise<RedisProcess> {
    const [replica] = await replicasOf(master);
    if (!replica) throw new Error(`No replica of :${master.port}`);
    return replica;
  }

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    // A prefix whose tick and step queues hash to slots of different masters: the keys must end up on both.
    for (;;) {
      prefix = uniquePrefix();
      const [ticks, steps] = [await cluster.masterOf(await slotOf(TICK_QUEUE)), await cluster.masterOf(await slotOf(STEP_QUEUE))];
      if (ticks !== steps) break;
    }
  });
  afterAll(async () => {
    // Workers still running (a test failed before the shutdown test) get 15 s, then are killed, so the cluster can be
    // torn down whatever happened.
    await Promise.race([Promise.all(workers.map((w) => w.stop())), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await t?.close();
    await cluster?.stop();
  }, 60_000);

  describe('connected through REDIS_CLUSTER_NODES', () => {
    beforeAll(async () => {
      const env = { REDIS_CLUSTER_NODES: cluster.seeds, JIM_QUEUE_PREFIX: prefix, JIM_STEP_QUEUE_SHARDS: '3' };
      t = await createTestApp(env);
      workers = await startWorkers(t, 2, { ...env, JIM_MISFIRE_GRACE_SECONDS: '3', JIM_SHUTDOWN_GRACE_SECONDS: String(SHUTDOWN_GRACE_SECONDS) });
    });

    it('fires a cron schedule and runs its steps, with the tick and step queues on different masters', async () => {
      const s = await t!.api().post(S).send(everySecond('On the cluster')).expect(201);
      expect(s.headers.warning).toBeUndefined();
      await waitFor(async () => {
        const [{ n }] = await t!.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1 AND status = 'Complete'`, [s.body.id]);
        return n >= 3;
      }, 30_000);
      await t!.api().post(`${S}/${s.body.id}/disable`).expect(200);

      const tickMasters = await cluster.mastersWithKeys(`${taggedPrefix(prefix, TICK_QUEUE)}:*`);
      const stepMasters = await cluster.mastersWithKeys(`${taggedPrefix(prefix, STEP_QUEUE)}:*`);
      expect(tickMasters).toHaveLength(1);
      expect(stepMasters).toHaveLength(1);
      expect(tickMasters[0]).not.toBe(stepMasters[0]);
      const steps = await t!.db.query(
        `SELECT st.status FROM schedule_execution_steps st JOIN schedule_executions e ON e.id = st.execution_id WHERE e.schedule_id = $1 AND e.status = 'Complete'`,
        [s.body.id],
      );
      expect(steps.length).toBeGreaterThanOrEqual(3);
      expect(steps.every((r: { status: string }) => r.status === 'Completed')).toBe(true);
      const ready = await t!.api().get('/health/ready').expect(200);
      expect(ready.body.checks.queue.status).toBe('up');
    });

    it('splits step jobs over JIM_STEP_QUEUE_SHARDS step queues by execution, every worker consuming all of them', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await runSteps(t!, `Sharded ${i}`, [exe(0, '/bin/true'), exe(1, '/bin/true')]));
      for (const id of ids) expect((await finished(t!, id)).status).toBe('Complete');

      const kit = t!.app.get(QueueKit);
      const shardOf = new Map<string, Set<number>>();
      for (let shard = 0; shard < 3; shard++) {
        const queue = kit.queue(stepQueueName(shard));
        for (const job of await queue.getCompleted(0, 1000)) {
          if (!ids.includes(job.data.executionId)) continue;
          shardOf.set(job.data.executionId, (shardOf.get(job.data.executionId) ?? new Set()).add(shard));
        }
        await queue.close();
      }
      // Every execution's steps ran from one step queue; the executions used more than one.
      expect([...shardOf.keys()].sort()).toEqual([...ids].sort());
      expect([...shardOf.values()].every((shards) => shards.size === 1)).toBe(true);
      expect(new Set([...shardOf.values()].map((shards) => [...shards][0])).size).toBeGreaterThan(1);
    });

    it('keeps firing when the master of the tick queue fails over to its replica (CLUSTER FAILOVER): no duplicate, none unaccounted', async () => {
      const s = await t!.api().post(S).send(everySecond('Across a cluster failover')).expect(201);
      await waitFor(async () => (await tickHistory(t!.db, s.body.id)).executions.length >= 2, 20_000);
      const master = await cluster.masterOf(await slotOf(TICK_QUEUE));
      const replica = await replicaOf(master);
      expect(await replica.command('CLUSTER', 'FAILOVER')).toBe('OK');
      await waitFor(async () => (await cluster.masterOf(await slotOf(TICK_QUEUE))) === replica, 20_000, 200);
      const afterFailover = Date.now();
      // Ticks go on after the replica took over, and every tick since the first is run or recorded as missed.
      const history = await waitFor(async () => {
        const h = await tickHistory(t!.db, s.body.id);
        const last = h.executions[h.executions.length - 1];
        return last && last.getTime() > afterFailover + 2000 && h.unaccounted.length === 0 ? h : undefined;
      }, 45_000, 500);
      await t!.api().post(`${S}/${s.body.id}/disable`).expect(200);
      expect(history.duplicates).toBe(0);
      expect(history.unaccounted).toEqual([]);
    });
  });

  describe('a queue client (re)connecting while a replica takes over from a killed master', () => {
    it('settles its connect() and then serves commands on the new master, instead of waiting for ever', async () => {
      const master = await cluster.masterOf(await slotOf(TICK_QUEUE));
      const replica = await replicaOf(master);
      const others = cluster.nodes.filter((n) => n !== master);
      // The replica holds back until the client has connected: the cluster stays failed for as long as that takes.
      await replica.command('CONFIG', 'SET', 'cluster-replica-no-failover', 'yes');
      await master.kill();
      const nodes = cluster.seeds.split(',').map((seed) => ({ host: seed.split(':')[0], port: Number(seed.split(':')[1]) }));
      const client = new QueueKit({ backend: 'redis', redisCluster: { nodes, tls: false }, prefix }).connectionOptions as Cluster;
      try {
        // The state in which ioredis's cluster ready check fails: the live nodes see the cluster as failed.
        await waitFor(async () => (await Promise.all(others.map((n) => n.command('CLUSTER', 'INFO')))).every((info) => info.includes('cluster_state:fail')), 15_000, 100);
        const settled = await Promise.race([
          client.connect().then(() => 'connected', (error: Error) => `failed: ${error.message}`),
          new Promise<string>((resolve) => setTimeout(() => resolve('still pending after 10 s'), 10_000)),
        ]);
        expect(settled).toBe('connected');
        // Once the replica serves the slot, the same client writes there (its commands wait out the takeover).
        await replica.command('CONFIG', 'SET', 'cluster-replica-no-failover', 'no');
        const key = `${taggedPrefix(prefix, TICK_QUEUE)}:connect-probe`;
        await waitFor(async () => (await client.set(key, '1').catch(() => null)) === 'OK', 20_000, 200);
        expect(await cluster.masterOf(await slotOf(TICK_QUEUE))).toBe(replica);
        expect(await client.del(key)).toBe(1);
      } finally {
        client.disconnect();
        await replica.command('CONFIG', 'SET', 'cluster-replica-no-failover', 'no');
        // The killed master comes back as a replica of the node that took over.
        await master.start();
        await cluster.untilHealthy();
      }
    }, 60_000);
  });

  describe('REDIS_URL pointing at a master that does not serve the queues (no cluster client)', () => {
    let wrong: TestApp;
    beforeAll(async () => {
      const ticksMaster = await cluster.masterOf(await slotOf(TICK_QUEUE));
      const other = (await Promise.all(cluster.nodes.map(async (n) => ({ n, role: await n.command('ROLE') }))))
        .find(({ n, role }) => n !== ticksMaster && role.startsWith('master'))!.n;
      wrong = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${other.port}`, JIM_QUEUE_PREFIX: prefix });
    });
    afterAll(async () => wrong?.close());

    it('answers not ready with the MOVED code; a schedule write is stored with a Warning header and counted in /metrics', async () => {
      const ready = await wrong.api().get('/health/ready').expect(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.checks.queue).toMatchObject({ status: 'down', reason: 'error', code: 'MOVED' });
      expect(ready.body.checks.database.status).toBe('up');

      const created = await wrong.api().post(S).send(everySecond('Written while the queue is unreachable')).expect(201);
      expect(created.headers.warning).toMatch(/^199 jim-schedules ".*job scheduler could not be updated now.*reconcile/);
      const stored = await wrong.api().get(`${S}/${created.body.id}`).expect(200);
      expect(stored.body.name).toBe('Written while the queue is unreachable');
      const metrics = await wrong.api().get('/metrics').expect(200);
      expect(metrics.text).toMatch(/^jim_job_scheduler_sync_failures_total 1$/m);
    });
  });

  describe('a slot of our queues with no node left', () => {
    it('makes /health/ready answer 503 with the queue down (CLUSTERDOWN), and 200 again once the nodes are back', async () => {
      const stepsMaster = await cluster.masterOf(await slotOf(STEP_QUEUE));
      const gone = [stepsMaster, ...(await replicasOf(stepsMaster))];
      await Promise.all(gone.map((n) => n.kill()));
      const down = await waitFor(async () => {
        const res = await t!.api().get('/health/ready');
        return res.status === 503 && res.body.checks.queue.code === 'CLUSTERDOWN' ? res : undefined;
      }, 20_000, 500);
      expect(down.body.checks.queue).toMatchObject({ status: 'down', reason: 'error', code: 'CLUSTERDOWN' });
      expect(down.body.checks.database.status).toBe('up');

      // The nodes restart with their cluster configuration and take their slots back.
      for (const node of gone) await node.start();
      await cluster.untilHealthy();
      await waitFor(async () => (await t!.api().get('/health/ready')).status === 200, 30_000, 500);
    });

    it('leaves the workers able to shut down on SIGTERM after the slot came back', async () => {
      // Bounded well below the test's timeout: a worker that never finishes shutting down fails here, with its log.
      const bound = (SHUTDOWN_GRACE_SECONDS + 20) * 1000;
      const stopped = await Promise.all(
        workers.map((w) => Promise.race([w.stop('SIGTERM').then(() => true), new Promise<false>((r) => setTimeout(() => r(false), bound))])),
      );
      for (const [i, w] of workers.entries()) {
        if (!stopped[i]) throw new Error(`Worker ${w.pid} still running ${bound} ms after SIGTERM:\n${w.output().slice(-4000)}`);
        expect(w.child.signalCode === 'SIGTERM' || w.child.exitCode === 0).toBe(true);
      }
    }, 120_000);
  });
});
