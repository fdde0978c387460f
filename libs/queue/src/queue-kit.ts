import { createPostgresBackend, Queue, QueueEvents, withBackend, Worker, type ConnectionOptions, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
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
  private readonly classes: { Queue: typeof Queue; Worker: typeof Worker; QueueEvents: typeof QueueEvents };

  constructor(options: QueueKitOptions) {
    this.backend = options.backend;
    this.prefix = options.prefix;
    if (options.backend === 'redis') {
      if (!options.redisUrl && !options.redisSentinel) throw new Error('A Redis URL is required for the redis queue backend');
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

  /** Connection settings as BullMQ takes them (for code that builds its own BullMQ objects). */
  get connectionOptions(): ConnectionOptions {
    return this.connection as ConnectionOptions;
  }

  queue(name: string, options: Partial<QueueOptions> = {}): AnyQueue {
    return listened(new this.classes.Queue(name, { ...options, connection: this.connectionOptions, prefix: this.prefix }));
  }

  /**
   * The tick queue: its job schedulers take their fire times from the trigger library, `leadMs` early
   * (TICK_LEAD_MS unless given).
   */
  tickQueue(name: string, leadMs = TICK_LEAD_MS): AnyQueue {
    return this.queue(name, { settings: { repeatStrategy: leadMs === TICK_LEAD_MS ? tickRepeatStrategy : leadingRepeatStrategy(leadMs) } });
  }

  worker<D, R>(name: string, processor: Processor<D, R>, options: Partial<WorkerOptions> = {}): AnyWorker {
    return listened(
      new this.classes.Worker(name, processor as Processor, {
        // Where PostgreSQL notifications cannot reach a waiting worker (the embedded database), it looks again this often.
        ...(this.backend === 'postgres' ? { drainDelay: 1 } : {}),
        ...options,
        connection: this.connectionOptions,
        prefix: this.prefix,
      }),
    );
  }

  /** A worker of a tick queue; `leadMs` must be the queue's. */
  tickWorker<D, R>(name: string, processor: Processor<D, R>, options: Partial<WorkerOptions> = {}, leadMs = TICK_LEAD_MS): AnyWorker {
    const repeatStrategy = leadMs === TICK_LEAD_MS ? tickRepeatStrategy : leadingRepeatStrategy(leadMs);
    return this.worker(name, processor, { ...options, settings: { ...options.settings, repeatStrategy } });
  }

  queueEvents(name: string): QueueEvents {
    return listened(new this.classes.QueueEvents(name, { connection: this.connectionOptions, prefix: this.prefix }));
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
