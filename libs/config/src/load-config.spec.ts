import { ConfigError, loadConfig } from './load-config';

const key = 'jim_ak_' + 'a'.repeat(64);

describe('loadConfig', () => {
  it('applies defaults: embedded database, postgres queue, port 3000', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.databaseUrl).toBeNull();
    expect(config.queueBackend).toBe('postgres');
    expect(config.port).toBe(3000);
    expect(config.steps.defaultTimeoutSeconds).toBe(3600);
    expect(config.worker.shutdownGraceSeconds).toBe(30);
    expect(config.queuePrefix).toBe('{jim}');
  });

  it('prepares hot statements unless JIM_DB_PREPARED_STATEMENTS=false, and refuses a value that is not a boolean', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).preparedStatements).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', JIM_DB_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'test', JIM_DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/JIM_DB_PREPARED_STATEMENTS/);
  });

  it('defaults the queue backend to redis when REDIS_URL is set', () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.queueBackend).toBe('redis');
  });

  it('accepts a hex or base64 encryption key of 32 bytes', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ JIM_ENCRYPTION_KEY: hex }).encryptionKey?.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ JIM_ENCRYPTION_KEY: b64 }).encryptionKey?.length).toBe(32);
  });

  it('reports one line per problem, naming the variable and never echoing secrets', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        NODE_ENV: 'production',
        PORT: 'eighty',
        QUEUE_BACKEND: 'kafka',
        DATABASE_URL: 'mysql://u:hunter2@h/db',
        JIM_INFRASTRUCTURE_API_KEY: 'jim_ak_short-secret-value',
        JIM_ALLOWED_SCRIPT_ROOTS: 'relative/path',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error!.problems;
    expect(lines).toEqual([
      'DATABASE_URL must be a URL starting with postgres:// or postgresql://',
      'QUEUE_BACKEND must be one of redis, postgres (got "kafka")',
      'JIM_INFRASTRUCTURE_API_KEY must be "jim_ak_" followed by 64 lowercase hexadecimal characters',
      'JIM_ENCRYPTION_KEY is required in production (32 bytes as 64 hex characters or base64)',
      'PORT must be an integer from 0 to 65535 (got "eighty")',
      'JIM_ALLOWED_SCRIPT_ROOTS must hold absolute paths separated by ":" (got "relative/path")',
    ]);
    expect(error!.message).not.toContain('hunter2');
    expect(error!.message).not.toContain('short-secret-value');
  });

  it('rejects a redis backend without a REDIS_URL and a wrongly sized encryption key', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', QUEUE_BACKEND: 'redis', JIM_ENCRYPTION_KEY: 'abcd' })).toThrow(
      /REDIS_URL is required when QUEUE_BACKEND is redis[\s\S]*JIM_ENCRYPTION_KEY must be 32 bytes/,
    );
  });
});

describe('Step environment and service secrets', () => {
  it('reads JIM_STEP_ENV_ALLOW as a list of variable names', () => {
    const config = loadConfig({ NODE_ENV: 'test', JIM_STEP_ENV_ALLOW: ' ORACLE_HOME, http_proxy ,,ORACLE_HOME' });
    expect(config.steps.environmentAllow).toEqual(['ORACLE_HOME', 'http_proxy']);
  });

  it('refuses the names of the service\'s own secrets and malformed names, naming them', () => {
    for (const name of ['JIM_ENCRYPTION_KEY', 'JIM_INFRASTRUCTURE_API_KEY', 'DATABASE_URL', 'REDIS_URL', 'REDIS_PASSWORD', 'JIM_SYNC_API_KEY']) {
      expect(() => loadConfig({ NODE_ENV: 'test', JIM_STEP_ENV_ALLOW: `HTTP_PROXY,${name}` })).toThrow(
        `JIM_STEP_ENV_ALLOW must not name ${name}: the service's own secrets are never passed to steps`,
      );
    }
    expect(() => loadConfig({ NODE_ENV: 'test', JIM_STEP_ENV_ALLOW: 'GOOD,BAD-NAME' })).toThrow(
      'JIM_STEP_ENV_ALLOW must be variable names separated by commas (got "BAD-NAME")',
    );
  });

  it('collects the values of the service\'s secrets for redaction, passwords parsed out of the URLs', () => {
    const encryption = 'cd'.repeat(32);
    const config = loadConfig({
      NODE_ENV: 'test',
      JIM_ENCRYPTION_KEY: encryption,
      JIM_INFRASTRUCTURE_API_KEY: key,
      DATABASE_URL: 'postgres://jim:db%40pass@db.example/jim',
      REDIS_URL: 'redis://:redis-pass@cache.example:6379',
      REDIS_PASSWORD: 'other-redis-pass',
      JIM_SYNC_URL: 'https://jim.example.org',
      JIM_SYNC_API_KEY: 'jim_ak_syncKeyValue',
    });
    expect(config.steps.serviceSecrets).toEqual(
      expect.arrayContaining([
        encryption,
        Buffer.from(encryption, 'hex').toString('base64'),
        key,
        'db%40pass',
        'db@pass',
        'redis-pass',
        'other-redis-pass',
        'jim_ak_syncKeyValue',
      ]),
    );
    expect(config.steps.serviceSecrets).not.toContain('jim');
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1/jim' }).steps.serviceSecrets).toEqual([]);
  });
});

describe('Redis Sentinel', () => {
  it('reads sentinels and the master name', () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_SENTINELS: 's1:26379, s2', REDIS_SENTINEL_MASTER: 'jim' });
    expect(config.queueBackend).toBe('redis');
    expect(config.redisSentinel).toEqual({ sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], masterName: 'jim' });
    expect(loadConfig({ NODE_ENV: 'test', QUEUE_BACKEND: 'redis', REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'jim' }).queueBackend).toBe('redis');
  });

  it('requires a master name and valid ports', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', REDIS_SENTINELS: 's1:notaport' })).toThrow(
      /REDIS_SENTINELS must be host:port pairs[\s\S]*REDIS_SENTINEL_MASTER is required/,
    );
  });
});

describe('Worker roles', () => {
  it('runs both roles by default and reads one, the other or both', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).worker.roles).toEqual(['firing', 'steps']);
    expect(loadConfig({ NODE_ENV: 'test', JIM_WORKER_ROLES: 'firing' }).worker.roles).toEqual(['firing']);
    expect(loadConfig({ NODE_ENV: 'test', JIM_WORKER_ROLES: ' steps ' }).worker.roles).toEqual(['steps']);
    expect(loadConfig({ NODE_ENV: 'test', JIM_WORKER_ROLES: 'steps, firing' }).worker.roles).toEqual(['firing', 'steps']);
  });

  it('refuses an unknown role, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', JIM_WORKER_ROLES: 'firing,sweeping' })).toThrow(
      'JIM_WORKER_ROLES must be "firing", "steps" or "firing,steps" (got "sweeping")',
    );
  });
});

describe('loadConfig: JIM sync', () => {
  const jimKey = 'jim_ak_' + 'b'.repeat(64);

  it('is off unless both JIM_SYNC_URL and JIM_SYNC_API_KEY are set; polls every 2 s by default', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).jimSync).toBeNull();
    expect(loadConfig({ NODE_ENV: 'test', JIM_SYNC_URL: 'https://jim.example.org/', JIM_SYNC_API_KEY: jimKey }).jimSync).toEqual({
      url: 'https://jim.example.org/',
      apiKey: jimKey,
      pollSeconds: 2,
      catalogueRefreshSeconds: 300,
    });
  });

  it.each<[Record<string, string>, string]>([
    [{ JIM_SYNC_URL: 'https://jim.example.org' }, 'JIM_SYNC_URL and JIM_SYNC_API_KEY must be set together (or neither, to use the run-profiles queue)'],
    [{ JIM_SYNC_API_KEY: jimKey }, 'JIM_SYNC_URL and JIM_SYNC_API_KEY must be set together (or neither, to use the run-profiles queue)'],
    [{ JIM_SYNC_URL: 'ftp://jim', JIM_SYNC_API_KEY: jimKey }, 'JIM_SYNC_URL must be a URL starting with http:// or https://'],
    [{ JIM_SYNC_URL: 'https://jim', JIM_SYNC_API_KEY: 'secret-value' }, 'JIM_SYNC_API_KEY must be a JIM API key ("jim_ak_" followed by its characters)'],
    [{ JIM_SYNC_POLL_SECONDS: '0' }, 'JIM_SYNC_POLL_SECONDS must be an integer from 1 to 300 (got "0")'],
  ])('refuses %j', (env, problem) => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ NODE_ENV: 'test', ...env });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([problem]);
    expect(error?.message).not.toContain('secret-value');
  });
});

describe('Redis Cluster', () => {
  it('reads the seed nodes, with password and TLS from REDIS_URL', () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_CLUSTER_NODES: 'n1:7000, n2', REDIS_URL: 'rediss://app:s%40cret@ignored:6380' });
    expect(config.queueBackend).toBe('redis');
    expect(config.redisCluster).toEqual({ nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 6379 }], username: 'app', password: 's@cret', tls: true });
    expect(config.stepQueueShards).toBe(1);
  });

  it('takes REDIS_PASSWORD and REDIS_TLS without a URL', () => {
    const config = loadConfig({ NODE_ENV: 'test', REDIS_CLUSTER_NODES: 'n1:7000', REDIS_PASSWORD: 'pw', REDIS_TLS: 'true' });
    expect(config.redisCluster).toEqual({ nodes: [{ host: 'n1', port: 7000 }], password: 'pw', tls: true });
    expect(loadConfig({ NODE_ENV: 'test', REDIS_CLUSTER_NODES: 'n1:7000' }).redisCluster).toEqual({ nodes: [{ host: 'n1', port: 7000 }], tls: false });
  });

  it('rejects bad nodes, a prefix without a hash tag, sentinels at the same time, and bad shard counts', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', REDIS_CLUSTER_NODES: 'n1:x', JIM_QUEUE_PREFIX: 'jim', REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'm' })).toThrow(
      /REDIS_CLUSTER_NODES must be host:port pairs[\s\S]*REDIS_CLUSTER_NODES and REDIS_SENTINELS cannot both be set[\s\S]*JIM_QUEUE_PREFIX must contain a hash tag in braces/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://r', JIM_STEP_QUEUE_SHARDS: '0' })).toThrow(/JIM_STEP_QUEUE_SHARDS must be an integer from 1 to 64/);
    expect(loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://r', JIM_STEP_QUEUE_SHARDS: '4' }).stepQueueShards).toBe(4);
  });
});

describe('Retention', () => {
  it('keeps succeeded executions 30 days, failed 180, skipped runs 30, deliveries 14; purges hourly, 1,000 rows a batch', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).retention).toEqual({
      succeededDays: 30,
      failedDays: 180,
      skippedDays: 30,
      deliveriesDays: 14,
      intervalSeconds: 3600,
      batchSize: 1000,
      batchPauseMs: 100,
    });
  });

  it('reads each setting, 0 meaning kept for ever', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      JIM_RETENTION_SUCCEEDED_DAYS: '0',
      JIM_RETENTION_FAILED_DAYS: '365',
      JIM_RETENTION_SKIPPED_DAYS: '7',
      JIM_RETENTION_DELIVERIES_DAYS: '2',
      JIM_RETENTION_INTERVAL_SECONDS: '60',
      JIM_RETENTION_BATCH_SIZE: '50',
      JIM_RETENTION_BATCH_PAUSE_MS: '0',
    });
    expect(config.retention).toEqual({ succeededDays: 0, failedDays: 365, skippedDays: 7, deliveriesDays: 2, intervalSeconds: 60, batchSize: 50, batchPauseMs: 0 });
  });

  it('refuses negative or fractional days, batches over 1,000 and a one-day delivery retention, naming each variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        NODE_ENV: 'test',
        JIM_RETENTION_SUCCEEDED_DAYS: '-1',
        JIM_RETENTION_FAILED_DAYS: '1.5',
        JIM_RETENTION_SKIPPED_DAYS: 'forever',
        JIM_RETENTION_DELIVERIES_DAYS: '1',
        JIM_RETENTION_INTERVAL_SECONDS: '0',
        JIM_RETENTION_BATCH_SIZE: '1001',
        JIM_RETENTION_BATCH_PAUSE_MS: '-5',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems).toEqual([
      'JIM_RETENTION_DELIVERIES_DAYS must be 0 (keep for ever) or from 2 to 36500 (got "1"): deliveries are retried for up to 24 hours',
      'JIM_RETENTION_SUCCEEDED_DAYS must be an integer from 0 to 36500 (got "-1")',
      'JIM_RETENTION_FAILED_DAYS must be an integer from 0 to 36500 (got "1.5")',
      'JIM_RETENTION_SKIPPED_DAYS must be an integer from 0 to 36500 (got "forever")',
      'JIM_RETENTION_INTERVAL_SECONDS must be an integer from 1 to 86400 (got "0")',
      'JIM_RETENTION_BATCH_SIZE must be an integer from 1 to 1000 (got "1001")',
      'JIM_RETENTION_BATCH_PAUSE_MS must be an integer from 0 to 60000 (got "-5")',
    ]);
  });
});

describe('JIM_RECONCILE_STALL_SECONDS', () => {
  it('defaults to 60, reads a value, and refuses one outside 1 to 3600, naming the variable', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).worker.reconcileStallSeconds).toBe(60);
    expect(loadConfig({ NODE_ENV: 'test', JIM_RECONCILE_STALL_SECONDS: '5' }).worker.reconcileStallSeconds).toBe(5);
    for (const value of ['0', '3601', '1.5']) {
      let error: ConfigError | undefined;
      try {
        loadConfig({ NODE_ENV: 'test', JIM_RECONCILE_STALL_SECONDS: value });
      } catch (e) {
        error = e as ConfigError;
      }
      expect(error?.problems).toEqual([`JIM_RECONCILE_STALL_SECONDS must be an integer from 1 to 3600 (got "${value}")`]);
    }
  });
});
