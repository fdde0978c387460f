import { isAbsolute, resolve } from 'node:path';
import { WORKER_ROLES, type AppConfig, type QueueBackend, type RuntimeEnvironment, type WorkerRole } from './app-config';

/** Settings that hold the service's own secrets: never passed to a step, even when JIM_STEP_ENV_ALLOW names them. */
export const SERVICE_SECRET_VARIABLES: readonly string[] = Object.freeze([
  'JIM_ENCRYPTION_KEY',
  'JIM_INFRASTRUCTURE_API_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'JIM_SYNC_API_KEY',
]);

export const API_KEY_PATTERN = /^jim_ak_[0-9a-f]{64}$/;

/** Raised when the environment is unusable; one line per problem, secrets never echoed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const environment = read.oneOf('NODE_ENV', ['production', 'development', 'test'], 'production') as RuntimeEnvironment;
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = read.url('REDIS_URL', ['redis:', 'rediss:']);
  const redisCluster = readCluster(env, redisUrl, read, problems);
  const queueBackend = read.oneOf('QUEUE_BACKEND', ['redis', 'postgres'], redisUrl || env.REDIS_SENTINELS?.trim() || redisCluster ? 'redis' : 'postgres') as QueueBackend;
  if (queueBackend === 'redis' && !redisUrl && env.REDIS_URL === undefined && !env.REDIS_SENTINELS && !redisCluster) {
    problems.push('REDIS_URL is required when QUEUE_BACKEND is redis');
  }
  const infrastructureApiKey = read.secret('JIM_INFRASTRUCTURE_API_KEY', (v) =>
    API_KEY_PATTERN.test(v) ? null : 'must be "jim_ak_" followed by 64 lowercase hexadecimal characters',
  );
  const encryptionKey = readEncryptionKey(env, environment, problems);
  const dataDir = read.string('JIM_DATA_DIR', './data');

  const config: AppConfig = {
    environment,
    databaseUrl,
    queueBackend,
    redisUrl,
    redisSentinel: readSentinel(env, problems),
    redisCluster,
    queuePrefix: readQueuePrefix(read, redisCluster !== null, problems),
    stepQueueShards: read.int('JIM_STEP_QUEUE_SHARDS', 1, 1, 64),
    port: read.int('PORT', 3000, 0, 65535),
    host: read.string('HOST', '0.0.0.0'),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    infrastructureApiKey,
    encryptionKey,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    steps: {
      defaultTimeoutSeconds: read.int('JIM_DEFAULT_STEP_TIMEOUT_SECONDS', 3600, 1, 86400),
      killGraceSeconds: read.int('JIM_KILL_GRACE_SECONDS', 5, 0, 300),
      powerShellPath: read.string('JIM_POWERSHELL_PATH', 'pwsh'),
      allowedScriptRoots: read.pathList('JIM_ALLOWED_SCRIPT_ROOTS'),
      environmentAllow: readStepEnvironmentAllow(env, problems),
      serviceSecrets: serviceSecrets(env, encryptionKey),
    },
    worker: {
      concurrency: read.int('JIM_WORKER_CONCURRENCY', 20, 1, 1000),
      shutdownGraceSeconds: read.int('JIM_SHUTDOWN_GRACE_SECONDS', 30, 0, 3600),
      reconcileIntervalSeconds: read.int('JIM_RECONCILE_INTERVAL_SECONDS', 60, 1, 86400),
      reconcileBatchSize: read.int('JIM_RECONCILE_BATCH_SIZE', 1000, 1, 100_000),
      reconcileStallSeconds: read.int('JIM_RECONCILE_STALL_SECONDS', 60, 1, 3600),
      // Longer than a failing tick's retries (about 8.5 min), so that a tick held up by an outage runs late instead.
      misfireGraceSeconds: read.int('JIM_MISFIRE_GRACE_SECONDS', 600, 1, 86400),
      sweepIntervalSeconds: read.int('JIM_SWEEP_INTERVAL_SECONDS', 10, 1, 3600),
      workerLostAfterSeconds: read.int('JIM_WORKER_LOST_AFTER_SECONDS', 30, 5, 3600),
      healthPort: read.optionalInt('WORKER_HEALTH_PORT', 0, 65535),
      roles: readWorkerRoles(env, problems),
    },
    runProfileQueueName: read.string('JIM_RUN_PROFILE_QUEUE', 'run-profiles'),
    jimSync: readJimSync(env, read, problems),
    rateLimit: {
      enabled: read.bool('JIM_RATE_LIMIT_ENABLED', true),
      authenticatedPerMinute: read.int('JIM_RATE_LIMIT_AUTHENTICATED_PER_MINUTE', 300, 1, 1_000_000),
      unauthenticatedPerMinute: read.int('JIM_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE', 30, 1, 1_000_000),
    },
    preparedStatements: read.bool('JIM_DB_PREPARED_STATEMENTS', true),
    benchBaseline: read.bool('JIM_BENCH_BASELINE', false),
    webhooks: { allowPrivateNetworks: read.bool('JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS', false) },
    retention: readRetention(read, problems),
    queueBacklogWarnSeconds: read.int('JIM_QUEUE_BACKLOG_WARN_SECONDS', 30, 1, 86400),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The longest retention that can be set: 100 years. */
const MAX_RETENTION_DAYS = 36_500;

function readRetention(read: Reader, problems: string[]): AppConfig['retention'] {
  const deliveriesDays = read.int('JIM_RETENTION_DELIVERIES_DAYS', 14, 0, MAX_RETENTION_DAYS);
  // A delivery is retried for up to 24 hours: purging it after one day could remove one still being retried.
  if (deliveriesDays === 1) problems.push('JIM_RETENTION_DELIVERIES_DAYS must be 0 (keep for ever) or from 2 to 36500 (got "1"): deliveries are retried for up to 24 hours');
  return {
    succeededDays: read.int('JIM_RETENTION_SUCCEEDED_DAYS', 30, 0, MAX_RETENTION_DAYS),
    failedDays: read.int('JIM_RETENTION_FAILED_DAYS', 180, 0, MAX_RETENTION_DAYS),
    skippedDays: read.int('JIM_RETENTION_SKIPPED_DAYS', 30, 0, MAX_RETENTION_DAYS),
    deliveriesDays,
    intervalSeconds: read.int('JIM_RETENTION_INTERVAL_SECONDS', 3600, 1, 86400),
    batchSize: read.int('JIM_RETENTION_BATCH_SIZE', 1000, 1, 1000),
    batchPauseMs: read.int('JIM_RETENTION_BATCH_PAUSE_MS', 100, 0, 60_000),
  };
}

function readWorkerRoles(env: Env, problems: string[]): WorkerRole[] {
  const names = (env.JIM_WORKER_ROLES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) return [...WORKER_ROLES];
  const unknown = names.filter((name) => !(WORKER_ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    problems.push(`JIM_WORKER_ROLES must be "firing", "steps" or "firing,steps" (got "${unknown[0]}")`);
    return [...WORKER_ROLES];
  }
  return WORKER_ROLES.filter((role) => names.includes(role));
}

function readStepEnvironmentAllow(env: Env, problems: string[]): string[] {
  const names = (env.JIM_STEP_ENV_ALLOW ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push(`JIM_STEP_ENV_ALLOW must be variable names separated by commas (got "${name}")`);
    } else if (SERVICE_SECRET_VARIABLES.includes(name)) {
      problems.push(`JIM_STEP_ENV_ALLOW must not name ${name}: the service's own secrets are never passed to steps`);
    }
  }
  return [...new Set(names)];
}

/**
 * The raw values of the service's secrets in the spellings a step could print: each key as
 * given (and the encryption key also as hex and base64), and the passwords of DATABASE_URL and
 * REDIS_URL both percent-encoded and decoded.
 */
function serviceSecrets(env: Env, encryptionKey: Buffer | null): string[] {
  const secrets: string[] = [];
  for (const name of ['JIM_ENCRYPTION_KEY', 'JIM_INFRASTRUCTURE_API_KEY', 'REDIS_PASSWORD', 'JIM_SYNC_API_KEY']) {
    const value = env[name]?.trim();
    if (value) secrets.push(value);
  }
  if (encryptionKey) secrets.push(encryptionKey.toString('hex'), encryptionKey.toString('base64'));
  for (const name of ['DATABASE_URL', 'REDIS_URL']) {
    const password = urlPassword(env[name]);
    if (password) secrets.push(password, safeDecode(password));
  }
  return [...new Set(secrets.filter((secret) => secret.length > 0))];
}

function urlPassword(value: string | undefined): string | null {
  if (!value?.trim()) return null;
  try {
    return new URL(value.trim()).password || null;
  } catch {
    return null;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Removes from this process's environment the secrets only the process itself needs, as a second guard besides the step
 * environment allow-list. Call once the configuration is loaded.
 */
export function withdrawProcessSecrets(env: Env = process.env): void {
  delete env.JIM_SYNC_API_KEY;
}

function readJimSync(env: Env, read: Reader, problems: string[]): AppConfig['jimSync'] {
  const pollSeconds = read.int('JIM_SYNC_POLL_SECONDS', 2, 1, 300);
  const catalogueRefreshSeconds = read.int('JIM_SYNC_CATALOGUE_REFRESH_SECONDS', 300, 10, 86400);
  const hasUrl = !!env.JIM_SYNC_URL?.trim();
  const hasKey = !!env.JIM_SYNC_API_KEY?.trim();
  if (hasUrl !== hasKey) {
    problems.push('JIM_SYNC_URL and JIM_SYNC_API_KEY must be set together (or neither, to use the run-profiles queue)');
    return null;
  }
  if (!hasUrl) return null;
  const url = read.url('JIM_SYNC_URL', ['http:', 'https:']);
  const apiKey = read.secret('JIM_SYNC_API_KEY', (v) =>
    /^jim_ak_[0-9A-Za-z]+$/.test(v) ? null : 'must be a JIM API key ("jim_ak_" followed by its characters)',
  );
  return url && apiKey ? { url, apiKey, pollSeconds, catalogueRefreshSeconds } : null;
}

function readSentinel(env: Env, problems: string[]): AppConfig['redisSentinel'] {
  const list = env.REDIS_SENTINELS?.trim();
  if (!list) return null;
  const sentinels = list.split(',').map((entry) => {
    const [host, port = '26379'] = entry.trim().split(':');
    return { host, port: Number(port) };
  });
  if (sentinels.some((s) => !s.host || !Number.isInteger(s.port) || s.port < 1 || s.port > 65535)) {
    problems.push('REDIS_SENTINELS must be host:port pairs separated by commas');
  }
  const masterName = env.REDIS_SENTINEL_MASTER?.trim();
  if (!masterName) problems.push('REDIS_SENTINEL_MASTER is required with REDIS_SENTINELS');
  return { sentinels, masterName: masterName ?? '' };
}

function readCluster(env: Env, redisUrl: string | null, read: Reader, problems: string[]): AppConfig['redisCluster'] {
  const list = env.REDIS_CLUSTER_NODES?.trim();
  if (!list) return null;
  const nodes = list.split(',').map((entry) => {
    const [host, port = '6379'] = entry.trim().split(':');
    return { host, port: Number(port) };
  });
  if (nodes.some((n) => !n.host || !Number.isInteger(n.port) || n.port < 1 || n.port > 65535)) {
    problems.push('REDIS_CLUSTER_NODES must be host:port pairs separated by commas');
  }
  if (env.REDIS_SENTINELS?.trim()) problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS cannot both be set');
  const url = redisUrl ? new URL(redisUrl) : null;
  const username = url?.username ? decodeURIComponent(url.username) : undefined;
  const password = env.REDIS_PASSWORD || (url?.password ? decodeURIComponent(url.password) : undefined);
  const tls = read.bool('REDIS_TLS', url?.protocol === 'rediss:');
  return { nodes, ...(username ? { username } : {}), ...(password ? { password } : {}), tls };
}

/** On a cluster every queue needs its keys in one slot: the prefix must hold a hash tag, which each queue extends. */
function readQueuePrefix(read: Reader, cluster: boolean, problems: string[]): string {
  const prefix = read.string('JIM_QUEUE_PREFIX', '{jim}');
  if (cluster && !/\{[^}]+\}/.test(prefix)) {
    problems.push(`JIM_QUEUE_PREFIX must contain a hash tag in braces, such as {jim}, with REDIS_CLUSTER_NODES (got "${prefix}")`);
  }
  return prefix;
}

function readEncryptionKey(env: Env, environment: RuntimeEnvironment, problems: string[]): Buffer | null {
  const raw = env.JIM_ENCRYPTION_KEY?.trim();
  if (!raw) {
    if (environment === 'production') {
      problems.push('JIM_ENCRYPTION_KEY is required in production (32 bytes as 64 hex characters or base64)');
    }
    return null;
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : decodeBase64(raw);
  if (!key || key.length !== 32) {
    problems.push('JIM_ENCRYPTION_KEY must be 32 bytes given as 64 hex characters or as base64');
    return null;
  }
  return key;
}

function decodeBase64(raw: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) return null;
  return Buffer.from(raw, 'base64');
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  oneOf(name: string, allowed: string[], fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    return this.optionalInt(name, min, max) ?? fallback;
  }

  optionalInt(name: string, min: number, max: number): number | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return null;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  /** Connection URLs may hold passwords: a bad one is named, never echoed. */
  url(name: string, protocols: string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
        return null;
      }
      return value;
    } catch {
      this.problems.push(`${name} is not a valid URL`);
      return null;
    }
  }

  secret(name: string, check: (value: string) => string | null): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    const problem = check(value);
    if (problem) {
      this.problems.push(`${name} ${problem}`);
      return null;
    }
    return value;
  }

  pathList(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const roots = value.split(':').filter((p) => p.length > 0);
    const relative = roots.filter((p) => !isAbsolute(p));
    if (relative.length > 0) this.problems.push(`${name} must hold absolute paths separated by ":" (got "${relative[0]}")`);
    return roots.map((p) => resolve(p));
  }
}
