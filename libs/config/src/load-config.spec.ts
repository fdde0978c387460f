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
