import type { Queue } from 'bullmq';
import calculateSlot from 'cluster-key-slot';

/** No readiness check may hold a probe longer than this. */
export const CHECK_TIMEOUT_MS = 2000;

export type CheckResult =
  | { status: 'up'; durationMs: number }
  | { status: 'down'; durationMs: number; reason: 'timeout' | 'error'; code?: string };

export interface ReadinessReport<C extends string = string> {
  status: 'ok' | 'error';
  checks: Record<C, CheckResult>;
}

/**
 * One dependency check with a timeout. A check still hanging from an earlier probe is joined rather than started
 * again, so a dead dependency never piles up queries. Results carry no error text (it may name hosts or users):
 * only `timeout`/`error` and, when the driver gives one, an error code such as `ECONNREFUSED`.
 */
export class Probe {
  private inflight?: Promise<unknown>;
  private lastError?: unknown;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly timeoutMs = CHECK_TIMEOUT_MS,
  ) {}

  /** The error behind the last `down` result, for the log (never for the response). */
  get error(): unknown {
    return this.lastError;
  }

  async check(): Promise<CheckResult> {
    const started = Date.now();
    this.inflight ??= Promise.resolve()
      .then(this.run)
      .finally(() => (this.inflight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeoutMs)));
    try {
      const outcome = await Promise.race([this.inflight.then(() => 'up' as const), timeout]);
      const durationMs = Date.now() - started;
      if (outcome === 'timeout') {
        this.lastError = new Error(`No answer within ${this.timeoutMs} ms`);
        return { status: 'down', durationMs, reason: 'timeout' };
      }
      this.lastError = undefined;
      return { status: 'up', durationMs };
    } catch (error) {
      this.lastError = error;
      const code = errorCode(error);
      return { status: 'down', durationMs: Date.now() - started, reason: 'error', ...(code ? { code } : {}) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  return redisReplyCode(error);
}

/**
 * A Redis error reply starts with its code in capitals (`MOVED 4115 10.0.0.7:7001`, `CLUSTERDOWN …`, `OOM …`):
 * the code alone is reported, never the rest, which may name hosts.
 */
export function redisReplyCode(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || (error as { name?: unknown }).name !== 'ReplyError') return undefined;
  return /^([A-Z][A-Z0-9_]{1,39})\b/.exec(message)?.[1];
}

/** Runs the checks in parallel; `ok` only when every one is up. */
export async function runChecks<C extends string>(probes: Record<C, Probe>): Promise<ReadinessReport<C>> {
  const names = Object.keys(probes) as C[];
  const results = await Promise.all(names.map((name) => probes[name].check()));
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]])) as Record<C, CheckResult>;
  return { status: results.every((r) => r.status === 'up') ? 'ok' : 'error', checks };
}

/**
 * A round trip to the queue backend: on Redis a read of the queue's own keys (so on a cluster it goes to, and
 * proves, the node serving the queue's slot; a server that does not serve it answers MOVED or CLUSTERDOWN), or for
 * the PostgreSQL backend a query (the job counts of the queue).
 */
export async function pingQueue(queue: Queue): Promise<void> {
  const backend = queue.getBackend() as unknown as { client?: Promise<RedisClientView> };
  if ('client' in backend && backend.client) {
    const client = await backend.client;
    const key = queue.toKey('meta');
    await (client.isCluster ? nodeServing(client, key, queue.name) : client).exists(key);
    return;
  }
  await queue.getJobCounts('waiting');
}

interface RedisNodeView {
  exists(key: string): Promise<unknown>;
  options: { host?: string; port?: number };
}

interface RedisClientView extends RedisNodeView {
  isCluster?: boolean;
  /** ioredis Cluster: the nodes serving each slot (`host:port`, master first), as last read from the cluster. */
  slots?: string[][];
  nodes?(role: 'master'): RedisNodeView[];
  refreshSlotsCache?(): void;
}

/**
 * The connection to the master that serves `key`'s slot, so the probe asks that node directly: through the cluster
 * client a command to a slot no node answers for is retried until its redirections run out, longer than a probe
 * waits, while the node itself answers at once (or refuses the connection).
 */
function nodeServing(cluster: RedisClientView, key: string, queueName: string): RedisNodeView {
  const owner = cluster.slots?.[calculateSlot(key)]?.[0];
  if (!owner) throw Object.assign(new Error(`No node of the cluster serves the slot of queue ${queueName}`), { code: 'CLUSTERDOWN' });
  const node = cluster.nodes?.('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) {
    // Not connected (gone, or not yet reconnected after coming back): read the slot map again for the next probe.
    cluster.refreshSlotsCache?.();
    throw Object.assign(new Error(`The node serving queue ${queueName} is not connected`), { code: 'NODE_UNREACHABLE' });
  }
  return node;
}

/** Every queue answers (see pingQueue), checked in parallel; the failure reported is the first queue's in order. */
export async function pingQueues(queues: Queue[]): Promise<void> {
  const failed = (await Promise.allSettled(queues.map(pingQueue))).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The code reported for a job-scheduler sync that failed while the queue itself answered. */
export const JOB_SCHEDULER_SYNC_FAILED = 'JOB_SCHEDULER_SYNC_FAILED';

/**
 * A queue check that also fails while the last job-scheduler sync failed and none succeeded since: the write was
 * stored, but the queue did not take it, so this process is not fully serving. The sync's own error code is
 * reported when it has one.
 */
export function queueCheck(queues: Queue[], sync?: { lastFailure: unknown }): () => Promise<void> {
  return async () => {
    await pingQueues(queues);
    const failure = sync?.lastFailure;
    if (failure) throw Object.assign(new Error('The last job-scheduler sync failed'), { code: errorCode(failure) ?? JOB_SCHEDULER_SYNC_FAILED, cause: failure });
  };
}
