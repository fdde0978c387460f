import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './processes';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** One redis-server process (a cluster node, a replica, or a sentinel) on a port of its own. */
export class RedisProcess {
  private child?: ChildProcess;
  private exited: Promise<void> = Promise.resolve();
  private output = '';

  constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly args: string[],
  ) {}

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server (again, after `kill`, with the same files) and waits until it answers PING. */
  async start(): Promise<this> {
    const child = spawn('redis-server', this.args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await waitFor(async () => {
        if (!this.alive) throw new Error(`redis-server on port ${this.port} exited: ${this.output}`);
        return (await this.command('PING').catch(() => '')) === 'PONG';
      }, 10_000);
    } catch (error) {
      await this.kill();
      throw error;
    }
    return this;
  }

  async command(...args: (string | number)[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(this.port), ...args.map(String)]);
    return stdout.trim();
  }

  /** SIGKILL: the node is gone at once, as in a crash. */
  async kill(): Promise<void> {
    if (this.alive) this.child!.kill('SIGKILL');
    await this.exited;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports from a random base in 20000–40000, and the cluster bus ports 10000 above them
 * (a cluster node also listens on port + 10000).
 */
async function freePorts(count: number, withBus: boolean): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (withBus ? 9900 : 19900));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const needed = withBus ? [...ports, ...ports.map((p) => p + 10000)] : ports;
    if ((await Promise.all(needed.map(portFree))).every(Boolean)) return ports;
  }
  throw new Error('No free port range found');
}

function startServer(dir: string, port: number, args: string[]): Promise<RedisProcess> {
  return new RedisProcess(port, dir, args).start();
}

export interface RedisClusterTopology {
  dir: string;
  nodes: RedisProcess[];
  /** `host:port,…` of every node, as REDIS_CLUSTER_NODES takes it. */
  seeds: string;
  /** The node serving `slot` as master now. */
  masterOf(slot: number): Promise<RedisProcess>;
  /** Until every live node reports `cluster_state:ok`. */
  untilHealthy(): Promise<void>;
  /** Ports of the masters holding at least one key, found by scanning each master. */
  mastersWithKeys(match: string): Promise<number[]>;
  stop(): Promise<void>;
}

/** A real Redis Cluster of `masters` masters with one replica each, in a temporary directory. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterTopology> {
  const dir = await mkdtemp(join(tmpdir(), 'jim-redis-cluster-'));
  const nodes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.kill()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(masters * 2, true);
    for (const port of ports) {
      nodes.push(
        await startServer(dir, port, [
          '--port', String(port), '--bind', HOST, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '1500', '--save', '', '--appendonly', 'no', '--dbfilename', `dump-${port}.rdb`, '--hz', '100',
        ]),
      );
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', '1', '--cluster-yes']);
    await waitFor(async () => {
      const infos = await Promise.all(nodes.map((n) => n.command('CLUSTER', 'INFO').catch(() => '')));
      return infos.every((info) => info.includes('cluster_state:ok'));
    }, 20_000, 200);
    // Every replica has finished its first sync, so a failover can be done without data loss.
    await waitFor(async () => {
      const roles = await Promise.all(nodes.map((n) => n.command('INFO', 'replication')));
      return roles.filter((r) => r.includes('role:slave')).every((r) => r.includes('master_link_status:up'));
    }, 20_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  const byPort = new Map(nodes.map((n) => [n.port, n]));
  const alive = () => nodes.find((n) => n.alive)!;
  return {
    dir,
    nodes,
    seeds: nodes.map((n) => `${HOST}:${n.port}`).join(','),
    async masterOf(slot) {
      const slots = JSON.parse(await alive().command('--json', 'CLUSTER', 'SLOTS').catch(() => 'null')) as [number, number, [string, number]][] | null;
      const range = (slots ?? []).find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`No master serves slot ${slot}`);
      return byPort.get(Number(range[2][1]))!;
    },
    async untilHealthy() {
      await waitFor(async () => {
        const infos = await Promise.all(nodes.filter((n) => n.alive).map((n) => n.command('CLUSTER', 'INFO').catch(() => '')));
        return infos.every((info) => info.includes('cluster_state:ok'));
      }, 30_000, 200);
    },
    async mastersWithKeys(match) {
      const found: number[] = [];
      for (const node of nodes.filter((n) => n.alive)) {
        const role = await node.command('ROLE');
        if (!role.startsWith('master')) continue;
        const keys = await node.command('--scan', '--pattern', match);
        if (keys.length > 0) found.push(node.port);
      }
      return found;
    },
    stop,
  };
}

export interface RedisSentinelTopology {
  dir: string;
  masterName: string;
  master: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  /** `host:port,…` of the sentinels, as REDIS_SENTINELS takes it. */
  sentinelList: string;
  /** The port of the master the sentinels name now. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/** One master, one replica and three sentinels (quorum 2), in a temporary directory. */
export async function startRedisSentinel(masterName = 'jim-master'): Promise<RedisSentinelTopology> {
  const dir = await mkdtemp(join(tmpdir(), 'jim-redis-sentinel-'));
  const all: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(all.map((n) => n.kill()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5, false);
    const common = ['--bind', HOST, '--save', '', '--appendonly', 'no', '--hz', '100'];
    const master = await startServer(dir, masterPort, ['--port', String(masterPort), ...common, '--dbfilename', 'master.rdb']);
    all.push(master);
    const replica = await startServer(dir, replicaPort, [
      '--port', String(replicaPort), ...common, '--dbfilename', 'replica.rdb', '--replicaof', HOST, String(masterPort),
    ]);
    all.push(replica);
    await waitFor(async () => (await replica.command('INFO', 'replication')).includes('master_link_status:up'), 15_000, 200);
    const sentinels: RedisProcess[] = [];
    for (const port of sentinelPorts) {
      // A sentinel rewrites its configuration file: each gets its own, writable one.
      const conf = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          `bind ${HOST}`,
          `sentinel monitor ${masterName} ${HOST} ${masterPort} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startServer(dir, port, [conf, '--sentinel']);
      all.push(sentinel);
      sentinels.push(sentinel);
    }
    // Every sentinel knows the master, its replica and the two other sentinels.
    await waitFor(async () => {
      const states = await Promise.all(sentinels.map((s) => s.command('SENTINEL', 'MASTER', masterName).catch(() => '')));
      return states.every((s) => /num-slaves\n1\n/.test(s) && /num-other-sentinels\n2\n/.test(s));
    }, 20_000, 200);
    const sentinelOf = sentinels;
    return {
      dir,
      masterName,
      master,
      replica,
      sentinels,
      sentinelList: sentinels.map((s) => `${HOST}:${s.port}`).join(','),
      async currentMasterPort() {
        for (const s of sentinelOf.filter((x) => x.alive)) {
          const answer = await s.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName).catch(() => '');
          const port = Number(answer.split('\n')[1]);
          if (port) return port;
        }
        throw new Error('No sentinel answers');
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
