import { startRedisCluster, startRedisSentinel, type RedisProcess } from '../support/redis-topologies';
import { queuePrefix, seconds, sleep, Stack, TICK_QUEUE, unfinished, waitUntil, type ChaosOptions, type Scenario, type ScenarioResult } from './harness';
import { analyseTicks, isoSecond, ranges } from './ticks';

interface Topology {
  /** Environment that points the API and the workers at it. */
  env: Record<string, string>;
  /** Kills the master serving the tick queue; resolves once a replica has taken over, with a description. */
  failover(prefix: string): Promise<string>;
  /** The tick queue's state on the master serving it now, for a report of ticks that did not continue. */
  tickQueueState(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A schedule firing every second on a real Redis topology with two workers. After a few ticks the master holding
 * the tick queue is killed (SIGKILL); a replica takes over. Passes when ticks continue after the takeover and every
 * second from the first tick to the last ran exactly once or was recorded as skipped/missed: no duplicate, no gap,
 * nothing left unfinished.
 */
function failoverScenario(name: string, start: () => Promise<Topology>): Scenario {
  return {
    name,
    async run(options: ChaosOptions): Promise<ScenarioResult> {
      const after = options.ci ? 10 : 60;
      const topology = await start();
      let stack: Stack | undefined;
      try {
        stack = await Stack.create(options, {
          scenario: name,
          workers: 2,
          env: { ...topology.env, JIM_MISFIRE_GRACE_SECONDS: '5', JIM_RECONCILE_INTERVAL_SECONDS: '2', JIM_STEP_QUEUE_SHARDS: '2' },
        });
        const id = await stack.createSchedule({
          name: 'Every second',
          triggerType: 'Cron',
          patternType: 'Custom',
          cronExpression: '* * * * * *',
          isEnabled: true,
          steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }],
        });
        const executed = async () => Number((await stack!.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [id]))[0].n);
        await waitUntil(async () => (await executed()) >= 5, 30_000, 200);
        const killedAt = Date.now();
        const how = await topology.failover(stack.prefix);
        const tookOverAt = Date.now();
        // Ticks continue after the takeover for `after` seconds.
        const resumed = await waitUntil(async () => {
          const [row] = await stack!.query<{ last: Date | null }>(`SELECT max(scheduled_for) AS last FROM schedule_executions WHERE schedule_id = $1`, [id]);
          return !!row.last && row.last.getTime() >= tookOverAt + after * 1000;
        }, after * 1000 + 60_000, 500);
        // Missed ticks are recorded once the misfire grace has passed.
        await sleep(8000);
        const disable = await stack.call('POST', `/api/v1/schedules/${id}/disable`);
        if (disable.status !== 200) throw new Error(`disable answered ${disable.status}`);
        await waitUntil(async () => (await unfinished(stack!)).executions === 0, 30_000);
        const left = await unfinished(stack);
        const a = await analyseTicks(stack, id);
        const problems: string[] = [];
        if (!resumed) problems.push(`ticks did not continue for ${after} s after the takeover (${await topology.tickQueueState(stack.prefix).catch((e) => String(e))})`);
        if (a.duplicates.length) problems.push(`${a.duplicates.length} seconds ran more than once: ${ranges(a.duplicates)}`);
        if (a.gaps.length) problems.push(`${a.gaps.length} seconds neither ran nor were recorded: ${ranges(a.gaps)}`);
        if (left.executions || left.steps) problems.push(`${left.executions} executions / ${left.steps} steps unfinished`);
        const summary =
          `${how} in ${seconds(tookOverAt - killedAt)}; ${a.seconds.length} ticks ${isoSecond(a.first)}–${isoSecond(a.last)}: ` +
          `${a.executions} executions, ${a.skipped} recorded as skipped/missed, ${a.duplicates.length} duplicate, ${a.gaps.length} gap` +
          problems.map((p) => `; PROBLEM ${p}`).join('');
        return { pass: problems.length === 0, summary };
      } finally {
        await stack?.close();
        await topology.stop();
      }
    },
  };
}

/**
 * What a stalled tick queue looks like: its job counts by state, its job schedulers' next fire times, and the
 * clients connected to the node (a consumer blocked on the marker shows `cmd=bzpopmin`).
 */
async function describeTickQueue(node: RedisProcess, prefix: string): Promise<string> {
  const key = (part: string) => `${prefix}:${TICK_QUEUE}:${part}`;
  const [wait, active, delayed, prioritized, schedulers] = await Promise.all([
    node.command('LLEN', key('wait')),
    node.command('LLEN', key('active')),
    node.command('ZCARD', key('delayed')),
    node.command('ZCARD', key('prioritized')),
    node.command('ZRANGE', key('repeat'), 0, -1, 'WITHSCORES'),
  ]);
  const clients = (await node.command('CLIENT', 'LIST'))
    .split('\n')
    .map((line) => /\bcmd=(\S+)/.exec(line)?.[1] ?? '?')
    .reduce<Record<string, number>>((n, cmd) => ({ ...n, [cmd]: (n[cmd] ?? 0) + 1 }), {});
  const now = Date.now();
  const next = schedulers.split('\n').filter((_, i) => i % 2 === 1).map((ms) => `${Math.round((Number(ms) - now) / 1000)} s`);
  return (
    `tick queue on :${node.port}: ${wait} waiting, ${active} active, ${delayed} delayed, ${prioritized} prioritized; ` +
    `schedulers next in ${next.join(', ') || 'none'}; clients by command ${JSON.stringify(clients)}`
  );
}

/** Keys of `slot` and the replication offset on each live node holding the slot's keys. */
async function replicationOf(nodes: RedisProcess[], slot: number): Promise<string> {
  const parts = await Promise.all(
    nodes.filter((node) => node.alive).map(async (node) => {
      const keys = Number(await node.command('CLUSTER', 'COUNTKEYSINSLOT', slot).catch(() => '0'));
      const info = await node.command('INFO', 'replication');
      const offset = /(?:slave_repl_offset|master_repl_offset):(\d+)/.exec(info)?.[1];
      return keys ? `:${node.port} ${/role:(\w+)/.exec(info)?.[1]} ${keys} keys, offset ${offset}` : '';
    }),
  );
  return parts.filter(Boolean).join(', ') || 'no node holds its keys';
}

/** The hash tag of a queue's prefix, as CLUSTER KEYSLOT takes it. */
const tagOf = (prefix: string) => /\{([^}]+)\}/.exec(prefix)![1];

export const clusterFailoverScenario = failoverScenario('cluster-failover', async () => {
  const cluster = await startRedisCluster(3);
  let before = '';
  return {
    env: { REDIS_CLUSTER_NODES: cluster.seeds },
    async failover(prefix) {
      const slot = Number(await cluster.nodes.find((node) => node.alive)!.command('CLUSTER', 'KEYSLOT', tagOf(queuePrefix(prefix, TICK_QUEUE))));
      const master = await cluster.masterOf(slot);
      before = await replicationOf(cluster.nodes, slot);
      await master.kill();
      const promoted = await waitUntil(async () => {
        const now = await cluster.masterOf(slot).catch(() => null);
        return !!now && now !== master;
      }, 30_000, 200);
      if (!promoted) throw new Error(`No replica took over slot ${slot}`);
      return `master :${master.port} (slot ${slot}) killed, replica :${(await cluster.masterOf(slot)).port} took over`;
    },
    async tickQueueState(prefix) {
      const slot = Number(await cluster.nodes.find((node) => node.alive)!.command('CLUSTER', 'KEYSLOT', tagOf(queuePrefix(prefix, TICK_QUEUE))));
      const master = await cluster.masterOf(slot);
      return `${await describeTickQueue(master, queuePrefix(prefix, TICK_QUEUE))}; keys in slot ${slot} now ${await master.command('CLUSTER', 'COUNTKEYSINSLOT', slot)}, before the kill ${before}`;
    },
    stop: cluster.stop,
  };
});

export const sentinelFailoverScenario = failoverScenario('sentinel-failover', async () => {
  const sentinel = await startRedisSentinel();
  let master: RedisProcess = sentinel.master;
  return {
    env: { REDIS_SENTINELS: sentinel.sentinelList, REDIS_SENTINEL_MASTER: sentinel.masterName },
    async failover() {
      await master.kill();
      const promoted = await waitUntil(async () => (await sentinel.currentMasterPort()) === sentinel.replica.port, 30_000, 200);
      if (!promoted) throw new Error('The sentinels did not promote the replica');
      const killed = master.port;
      master = sentinel.replica;
      return `master :${killed} killed, sentinels promoted :${master.port}`;
    },
    tickQueueState: (prefix) => describeTickQueue(master, queuePrefix(prefix, TICK_QUEUE)),
    stop: sentinel.stop,
  };
});
