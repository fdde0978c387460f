import { createPostgresBackend, Queue, QueueEvents, withBackend, Worker, type ConnectionOptions, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import { Cluster, type RedisOptions } from 'ioredis';
import { triggerRepeatStrategy } from '@jim/trigger';
import { TICK_LEAD_MS } from './names';

type RepeatStrategy = (millis: number, opts: { pattern?: string | null; tz?: string | null }, jobName?: string) => number | undefined;

/** The trigger's fire times, each `leadMs` early (see TICK_LEAD_MS). */
export function leadingRepeatStrategy(leadMs: number): RepeatStrategy {
  if (leadMs === 0) return triggerRepeatStrategy;
  return (millis, opts, jobName) => {
    const next = triggerRepeatStrategy(millis + leadMs, opts, jobName);
    return next === undefined ? undefined : next - leadMs;
  };
}

const tickRepeatStrategy = leadingRepeatStrategy(TICK_LEAD_MS);

export type QueueBackendKind = 'redis' | 'postgres';

export interface QueueKitOptions {
  backend: QueueBackendKind;
  redisUrl?: string | null;
  redisSentinel?: { sentinels: { host: string; port: number }[]; masterName: string } | null;
  redisCluster?: { nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean } | null;
  databaseUrl?: string | null;
  prefix: string;
}

type AnyQueue = Queue;
type AnyWorker = Worker;

/** One place that knows which backend the queues live on; everything else asks it for queues and workers. */
export class QueueKit {
  readonly backend: QueueBackendKind;
  readonly prefix: string;
  private readonly connection: unknown;
  private readonly cluster: QueueKitOptions['redisCluster'];
  private readonly classes: { Queue: typeof Queue; Worker: typeof Worker; QueueEvents: typeof QueueEvents };

  constructor(options: QueueKitOptions) {
    this.backend = options.backend;
    this.prefix = options.prefix;
    this.cluster = options.backend === 'redis' ? options.redisCluster : null;
    if (options.backend === 'redis') {
      if (!options.redisUrl && !options.redisSentinel && !options.redisCluster) throw new Error('A Redis URL is required for the redis queue backend');
      const base = redisOptionsFromUrl(options.redisUrl ?? 'redis://localhost');
      this.connection = options.redisSentinel
        ? { ...base, host: undefined, port: undefined, sentinels: options.redisSentinel.sentinels, name: options.redisSentinel.masterName }
        : base;
      this.classes = { Queue, Worker, QueueEvents };
    } else {
      if (!options.databaseUrl) throw new Error('A database URL is required for the postgres queue backend');
      // BullMQ applies its own schema migrations (under its own advisory lock) on first connect.
      // Each BullMQ object keeps its own small pool (plus a LISTEN client): keep them small, as a process holds several.
      this.connection = { connectionString: options.databaseUrl, max: 3, application_name: 'jim-queue', migrate: true };
      this.classes = withBackend(createPostgresBackend) as unknown as typeof this.classes;
    }
  }

  /** BullMQ's classes bound to this backend, for code that builds its own BullMQ objects. */
  get bullmqClasses(): { Queue: typeof Queue; Worker: typeof Worker; QueueEvents: typeof QueueEvents } {
    return this.classes;
  }

  /**
   * Connection settings as BullMQ takes them (for code that builds its own BullMQ objects). On a Redis Cluster this
   * is a new, not yet connected, ioredis Cluster client each time: the caller closes it (see `closeWith`).
   */
  get connectionOptions(): ConnectionOptions {
    return this.cluster ? clusterClient(this.cluster) : (this.connection as ConnectionOptions);
  }

  /**
   * The key prefix of one queue. On Redis each queue carries its own hash tag, made from the one in the configured
   * prefix (`{jim}` becomes `{jim:schedule-ticks}`): all keys of a queue share one cluster slot, as BullMQ requires,
   * while different queues spread over the cluster's shards. A prefix without a hash tag is used as it is, and the
   * PostgreSQL backend always uses the configured prefix.
   */
  prefixFor(queueName: string): string {
    return this.backend === 'redis' ? taggedPrefix(this.prefix, queueName) : this.prefix;
  }

  queue(name: string, options: Partial<QueueOptions> = {}): AnyQueue {
    const connection = this.connectionOptions;
    return closeWith(listened(new this.classes.Queue(name, { ...options, connection, prefix: this.prefixFor(name) })), connection);
  }

  /**
   * The tick queue: its job schedulers take their fire times from the trigger library, `leadMs` early
   * (TICK_LEAD_MS unless given).
   */
  tickQueue(name: string, leadMs = TICK_LEAD_MS): AnyQueue {
    return this.queue(name, { settings: { repeatStrategy: leadMs === TICK_LEAD_MS ? tickRepeatStrategy : leadingRepeatStrategy(leadMs) } });
  }

  worker<D, R>(name: string, processor: Processor<D, R>, options: Partial<WorkerOptions> = {}): AnyWorker {
    const connection = this.connectionOptions;
    const worker = listened(
      new this.classes.Worker(name, processor as Processor, {
        // Where PostgreSQL notifications cannot reach a waiting worker (the embedded database), it looks again this often.
        ...(this.backend === 'postgres' ? { drainDelay: 1 } : {}),
        ...options,
        connection,
        prefix: this.prefixFor(name),
      }),
    );
    return closeWith(worker, connection);
  }

  /** A worker of a tick queue; `leadMs` must be the queue's. */
  tickWorker<D, R>(name: string, processor: Processor<D, R>, options: Partial<WorkerOptions> = {}, leadMs = TICK_LEAD_MS): AnyWorker {
    const repeatStrategy = leadMs === TICK_LEAD_MS ? tickRepeatStrategy : leadingRepeatStrategy(leadMs);
    return this.worker(name, processor, { ...options, settings: { ...options.settings, repeatStrategy } });
  }

  /**
   * The tick queue under the configured prefix itself, where versions before per-queue hash tags kept it; null when
   * that is where it still is (the PostgreSQL backend, or a prefix without a hash tag).
   */
  legacyTickQueue(name: string): AnyQueue | null {
    if (this.prefixFor(name) === this.prefix) return null;
    const connection = this.connectionOptions;
    return closeWith(listened(new this.classes.Queue(name, { connection, prefix: this.prefix, skipMetasUpdate: true })), connection);
  }

  queueEvents(name: string): QueueEvents {
    const connection = this.connectionOptions;
    return closeWith(listened(new this.classes.QueueEvents(name, { connection, prefix: this.prefixFor(name) })), connection);
  }
}

/** `{jim}` → `{jim:<queue>}`; `app:{jim}` → `app:{jim:<queue>}`; a prefix without a hash tag stays as it is. */
export function taggedPrefix(prefix: string, queueName: string): string {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  if (close <= open + 1) return prefix;
  return `${prefix.slice(0, close)}:${queueName}${prefix.slice(close)}`;
}

type ClusterSettings = NonNullable<QueueKitOptions['redisCluster']>;

function clusterClient(settings: ClusterSettings): Cluster {
  return new Cluster(settings.nodes, {
    redisOptions: {
      username: settings.username,
      password: settings.password,
      tls: settings.tls ? {} : undefined,
      // Workers block on Redis; BullMQ requires unlimited retries per request for them.
      maxRetriesPerRequest: null,
      connectTimeout: 2000,
    },
    // Not connected before BullMQ uses (or duplicates) it, so a client that only serves as a template costs nothing.
    lazyConnect: true,
    // ioredis's cluster ready check (CLUSTER INFO after the slots are read) fails while a replica takes over from a
    // failed master, and the client then reconnects without ever settling the promise its connect() returned: a
    // BullMQ worker that reconnects its blocking connection at that moment waits on that promise for ever and takes
    // no job again (seen in the cluster-failover chaos scenario). Without the check, connect() settles once the
    // slots are known; commands sent while the cluster is down are retried (retryDelayOnClusterDown) like any other.
    enableReadyCheck: false,
    enableOfflineQueue: true,
    // While a replica takes over from a failed master, commands wait and are retried instead of failing at once.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    // Topology changes (failovers, resharding, nodes back) are picked up even without a failing command.
    slotsRefreshInterval: 5000,
    clusterRetryStrategy: (attempt: number) => Math.min(250 * attempt, 2000),
  });
}

/**
 * BullMQ closes connections it created, but not a client instance it was given (it duplicates that one for its
 * blocking connections): the object's own `close` then also ends the client, and so does its `disconnect`.
 */
export function closeWith<T extends { close(...args: never[]): Promise<void>; disconnect?(): Promise<void> }>(owner: T, connection: unknown): T {
  if (!(connection instanceof Cluster)) return owner;
  const close = owner.close.bind(owner) as (...args: never[]) => Promise<void>;
  owner.close = (async (...args: never[]) => {
    try {
      await close(...args);
    } finally {
      connection.disconnect();
    }
  }) as T['close'];
  const disconnect = owner.disconnect?.bind(owner);
  if (disconnect) {
    owner.disconnect = async () => {
      // First, and at once: BullMQ's own disconnect may wait on a connection that never answers.
      connection.disconnect();
      await disconnect();
    };
  }
  return owner;
}

/** A BullMQ Queue, Worker or QueueEvents, as far as closing it goes. */
export interface Closable {
  readonly name: string;
  close(...args: never[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** How long closing a queue may take (beyond a worker's grace period) before its connections are dropped instead. */
export const CLOSE_TIMEOUT_MS = 5000;
const DISCONNECT_TIMEOUT_MS = 1000;

/**
 * Closes `owner`, giving up after `timeoutMs`: a close that has not settled by then (a Redis connection that never
 * answers, such as a cluster client after its nodes came back) is abandoned, `onForced` is called and the
 * connections are dropped. Never rejects and never waits much longer than `timeoutMs`; resolves to false when forced.
 */
export async function closeWithin(owner: Closable, timeoutMs: number, onForced?: () => void): Promise<boolean> {
  const closed = owner.close().then(
    () => true,
    () => true,
  );
  if (await settlesWithin(closed, timeoutMs)) return true;
  onForced?.();
  await settlesWithin(owner.disconnect().catch(() => undefined), DISCONNECT_TIMEOUT_MS);
  return false;
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * BullMQ objects emit 'error' when their connection drops, then reconnect by themselves. An 'error' event with no
 * listener would stop the process, so every object gets one; callers still see failures as rejected calls and may
 * add their own listeners for logging.
 */
function listened<T extends { on(event: 'error', listener: (error: Error) => void): unknown }>(emitter: T): T {
  emitter.on('error', () => undefined);
  return emitter;
}

export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis; BullMQ requires unlimited retries per request for them.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    // Reconnect soon after Redis is back (ioredis/BullMQ default backs off to 20 s between attempts).
    retryStrategy: (attempt: number) => Math.min(250 * attempt, 2000),
  };
}
