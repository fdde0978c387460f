export type QueueBackend = 'redis' | 'postgres';
export type RuntimeEnvironment = 'production' | 'development' | 'test';
/** What a worker process does: `firing` (ticks, reconcile, missed ticks), `steps` (step jobs, sweeper). */
export type WorkerRole = 'firing' | 'steps';
export const WORKER_ROLES: readonly WorkerRole[] = ['firing', 'steps'];

export interface AppConfig {
  environment: RuntimeEnvironment;
  /** Unset means the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | null;
  queueBackend: QueueBackend;
  redisUrl: string | null;
  /** Redis Sentinel: the sentinels to ask and the master's name; the URL then gives only credentials, db and TLS. */
  redisSentinel: { sentinels: { host: string; port: number }[]; masterName: string } | null;
  /** Redis Cluster: seed nodes; password and TLS come from `REDIS_URL` or `REDIS_PASSWORD`/`REDIS_TLS`. */
  redisCluster: { nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean } | null;
  /** Hash-tagged so every key of one queue lands in one Redis Cluster slot. */
  queuePrefix: string;
  /** Step jobs are spread over this many step queues (each its own hash tag), by execution. */
  stepQueueShards: number;
  port: number;
  host: string;
  dataDir: string;
  infrastructureApiKey: string | null;
  /** 32 bytes; null only in development and tests, where a fixed development key is used. */
  encryptionKey: Buffer | null;
  logLevel: string;
  steps: {
    defaultTimeoutSeconds: number;
    killGraceSeconds: number;
    powerShellPath: string;
    allowedScriptRoots: string[];
    /** JIM_STEP_ENV_ALLOW: variables passed to step processes besides PATH, HOME, LANG, LC_*, TZ and TMPDIR. */
    environmentAllow: string[];
    /** The service's own secret values (keys, database and Redis passwords), redacted from every step's output. */
    serviceSecrets: string[];
  };
  worker: {
    concurrency: number;
    shutdownGraceSeconds: number;
    reconcileIntervalSeconds: number;
    /** Schedules (and job schedulers) a reconcile pass holds at a time. */
    reconcileBatchSize: number;
    /** A reconcile pass that waits this long for one call (Redis or the database) is abandoned and its turn released. */
    reconcileStallSeconds: number;
    /** A tick that no worker has handled this long after its time is recorded as a skipped run. */
    misfireGraceSeconds: number;
    sweepIntervalSeconds: number;
    workerLostAfterSeconds: number;
    healthPort: number | null;
    /** JIM_WORKER_ROLES: never empty; both by default. */
    roles: WorkerRole[];
  };
  runProfileQueueName: string;
  /** JIM to drive RunProfile steps and mirror the catalogue from; null: the run-profiles queue is used. */
  jimSync: JimSyncConfig | null;
  rateLimit: {
    enabled: boolean;
    authenticatedPerMinute: number;
    unauthenticatedPerMinute: number;
  };
  /** Serves POST /api/v1/bench/baseline (the benchmarks' floor); off unless JIM_BENCH_BASELINE=true. */
  /**
   * JIM_DB_PREPARED_STATEMENTS (default true): hot statements are prepared once per database connection. Off for a
   * database that shares one session among connections (the embedded one) or a pooler that does not keep them.
   */
  preparedStatements: boolean;
  benchBaseline: boolean;
  webhooks: {
    /** JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS: webhook URLs may resolve to loopback, private, link-local or metadata addresses. */
    allowPrivateNetworks: boolean;
  };
  /** Readiness reports `degraded` while a job has waited for a worker longer than this. */
  queueBacklogWarnSeconds: number;
  retention: RetentionConfig;
}

/**
 * How long history is kept, in days after it ended (0: kept for ever), and how the workers purge the rest. Change
 * history is never purged, nor running executions, nor each schedule's last execution.
 */
export interface RetentionConfig {
  /** Executions that ended Complete. */
  succeededDays: number;
  /** Executions that ended Failed or Cancelled. */
  failedDays: number;
  /** Skipped runs (overlap, missed, no steps). */
  skippedDays: number;
  /** Webhook deliveries. */
  deliveriesDays: number;
  intervalSeconds: number;
  /** Rows deleted per transaction; at most 1,000. */
  batchSize: number;
  /** Pause between two batches, leaving the database to the engine. */
  batchPauseMs: number;
}

export interface JimSyncConfig {
  url: string;
  /** Secret: never logged, never given to a step. */
  apiKey: string;
  pollSeconds: number;
  catalogueRefreshSeconds: number;
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = 'JIM_APP_CONFIG';

/** Injection token for the database URL the process uses (the embedded one when DATABASE_URL is unset). */
export const DATABASE_URL = 'JIM_DATABASE_URL';
