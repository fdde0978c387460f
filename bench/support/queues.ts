import { QueueKit, TICK_QUEUE } from '@jim/queue';
import { Redis } from 'ioredis';
import { onCleanup } from './cleanup';
import { REDIS_URL, type Backend } from './env';

export function queueKit(backend: Backend, prefix: string, databaseUrl: string): QueueKit {
  return new QueueKit({ backend, redisUrl: backend === 'redis' ? REDIS_URL : null, databaseUrl, prefix });
}

/** How many job schedulers the product's tick queue holds under a prefix. */
export async function schedulerCounter(kit: QueueKit): Promise<{ count(): Promise<number>; close(): Promise<void> }> {
  const queue = kit.tickQueue(TICK_QUEUE);
  await queue.waitUntilReady();
  return { count: () => queue.getJobSchedulersCount(), close: () => queue.close() };
}

let shared: Redis | null = null;

/** One Redis client for the benchmark's own bookkeeping (cleanup, INFO, CONFIG); closed at cleanup. */
export function redisClient(): Redis {
  if (shared) return shared;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  shared = redis;
  onCleanup('close redis client', async () => {
    shared = null;
    await redis.quit().catch(() => undefined);
  });
  return redis;
}

/** Deletes every key under `<prefix>:`; returns how many. */
/**
 * SCAN patterns for every key under a prefix: `{tag}:*` (plain BullMQ with that prefix) and `{tag:*` (the service's
 * queues, each of which adds its name to the hash tag: `{tag:schedule-ticks}:…`).
 */
export function prefixPatterns(prefix: string): string[] {
  return prefix.endsWith('}') ? [`${prefix}:*`, `${prefix.slice(0, -1)}:*`] : [`${prefix}:*`];
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for (const pattern of prefixPatterns(prefix)) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

/** Registers the removal of a Redis prefix's keys at cleanup. */
export function cleanupPrefix(redis: Redis, prefix: string): () => Promise<void> {
  return onCleanup(`delete redis keys ${prefix}`, () => deletePrefix(redis, prefix));
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

export async function redisHz(redis: Redis): Promise<number> {
  const [, value] = (await redis.config('GET', 'hz')) as [string, string];
  return Number(value);
}

export async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
}

/**
 * Sets Redis's hz for the fire-precision runs (BullMQ's delayed jobs wake on blocking-command timeouts, which Redis
 * checks hz times a second) and restores the previous value at the end.
 */
export async function useRedisHz(redis: Redis, hz: number): Promise<{ previous: number; inForce: number; restore(): Promise<void> }> {
  const previous = await redisHz(redis);
  if (previous !== hz) await redis.config('SET', 'hz', String(hz));
  const restore = onCleanup('restore redis hz', async () => {
    if (previous !== hz) await redis.config('SET', 'hz', String(previous));
  });
  return { previous, inForce: await redisHz(redis), restore };
}
