import { nominalFireTime, type QueueKit } from '@jim/queue';
import type { Job } from 'bullmq';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { nowMs, sleep } from './env';
import { waitFor } from './processes';

/**
 * What BullMQ itself achieves on this machine, measured in the same run as the product: plain Queue and Worker
 * objects (built by the product's QueueKit, so the same backend and options), processors that do nothing but
 * record the time. The product cannot be faster than these; the gap is the product's own cost.
 */

function anchorQueueName(kind: string): string {
  return `bench-anchor-${kind}-${randomBytes(3).toString('hex')}`;
}

async function sleepUntil(epochMs: number): Promise<void> {
  const wait = epochMs - nowMs();
  if (wait > 0) await sleep(wait);
}

/** `perSecond` jobs delayed to every whole second for `seconds` seconds; lag = processing start − due instant (ms). */
export async function delayedJobLag(kit: QueueKit, options: { perSecond: number; seconds: number; concurrency: number }): Promise<number[]> {
  const name = anchorQueueName('delayed');
  const queue = kit.queue(name);
  const lags: number[] = [];
  const worker = kit.worker<{ due: number }, void>(
    name,
    async (job: Job<{ due: number }>) => {
      lags.push(nowMs() - job.data.due);
    },
    { concurrency: options.concurrency },
  );
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const first = Math.ceil((nowMs() + 2000) / 1000) * 1000;
    for (let s = 0; s < options.seconds; s++) {
      const due = first + s * 1000;
      await sleepUntil(due - 800);
      await queue.addBulk(
        Array.from({ length: options.perSecond }, () => ({
          name: 'due',
          data: { due },
          opts: { delay: Math.max(0, Math.round(due - nowMs())), removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
    await waitFor('anchor jobs processed', async () => lags.length >= options.perSecond * options.seconds, 60_000, 50);
    return lags;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/**
 * The product's firing path without the product: job schedulers with the same patterns and repeat strategy (without the
 * product's lead, see TICK_LEAD_MS) on a plain tick queue, a processor that only records processing start − nominal fire time (ms) for ticks inside the window.
 * Unlike plain delayed jobs, a scheduler's worker also adds the next iteration before it hands the job over.
 */
export async function jobSchedulerLag(kit: QueueKit, options: { patterns: string[]; seconds: number; concurrency: number }): Promise<number[]> {
  const name = anchorQueueName('scheduler');
  const queue = kit.tickQueue(name, 0);
  const lags: number[] = [];
  let window = { from: Infinity, to: -Infinity };
  const worker = kit.tickWorker<object, void>(
    name,
    async (job: Job<object>) => {
      const nominal = nominalFireTime(job, 0).getTime();
      if (nominal >= window.from && nominal < window.to) lags.push(nowMs() - nominal);
    },
    { concurrency: options.concurrency },
    0,
  );
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    for (let i = 0; i < options.patterns.length; i += 500) {
      await Promise.all(
        options.patterns.slice(i, i + 500).map((pattern, j) =>
          queue.upsertJobScheduler(`anchor:${i + j}`, { pattern, tz: 'UTC' }, { name: 'tick', data: {}, opts: { removeOnComplete: 1000, removeOnFail: 1000 } }),
        ),
      );
    }
    const from = Math.ceil((nowMs() + 2000) / 10_000) * 10_000;
    window = { from, to: from + options.seconds * 1000 };
    await sleepUntil(window.to + 1000);
    const expected = (options.patterns.length * options.seconds) / 10;
    await waitFor('anchor scheduler ticks processed', async () => lags.length >= expected, 30_000, 50).catch(() => undefined);
    return lags;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** `count` jobs all delayed to one instant: ms from that instant until the last one started processing. */
export async function burstOfDelayedJobs(kit: QueueKit, options: { count: number; concurrency: number; workers: number }): Promise<{ allStartedMs: number; lags: number[] }> {
  const name = anchorQueueName('burst');
  const queue = kit.queue(name);
  const lags: number[] = [];
  const workers = Array.from({ length: options.workers }, () =>
    kit.worker<{ due: number }, void>(
      name,
      async (job: Job<{ due: number }>) => {
        lags.push(nowMs() - job.data.due);
      },
      { concurrency: options.concurrency },
    ),
  );
  try {
    await Promise.all([queue.waitUntilReady(), ...workers.map((w) => w.waitUntilReady())]);
    const due = Math.ceil((nowMs() + 3000) / 1000) * 1000;
    for (let i = 0; i < options.count; i += 500) {
      const n = Math.min(500, options.count - i);
      await queue.addBulk(Array.from({ length: n }, () => ({ name: 'due', data: { due }, opts: { delay: Math.max(0, Math.round(due - nowMs())), removeOnComplete: true, removeOnFail: true } })));
    }
    await waitFor('anchor burst processed', async () => lags.length >= options.count, 60_000, 20);
    return { allStartedMs: Math.max(...lags), lags };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/**
 * A chain of jobs in which each job's processor, as its last act, adds the next: the hop = next job's processing
 * start − previous job's end (ms). The product's step transition does this plus its database work.
 */
export async function jobChainHops(kit: QueueKit, options: { hops: number }): Promise<number[]> {
  const name = anchorQueueName('chain');
  const queue = kit.queue(name);
  const hops: number[] = [];
  let done = 0;
  const worker = kit.worker<{ i: number; endedAt: number }, void>(
    name,
    async (job: Job<{ i: number; endedAt: number }>) => {
      if (job.data.i > 0) hops.push(nowMs() - job.data.endedAt);
      if (job.data.i >= options.hops) {
        done = 1;
        return;
      }
      await queue.add('hop', { i: job.data.i + 1, endedAt: nowMs() }, { removeOnComplete: true, removeOnFail: true });
    },
    { concurrency: 20 },
  );
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    await queue.add('hop', { i: 0, endedAt: nowMs() }, { removeOnComplete: true, removeOnFail: true });
    await waitFor('anchor chain finished', async () => done === 1, 60_000, 10);
    return hops;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** add() resolved → processing started (ms), one job at a time. */
export async function addToStart(kit: QueueKit, options: { samples: number }): Promise<number[]> {
  const name = anchorQueueName('add');
  const queue = kit.queue(name);
  const samples: number[] = [];
  let resolveStart: ((at: number) => void) | null = null;
  const worker = kit.worker<object, void>(
    name,
    async () => {
      resolveStart?.(nowMs());
    },
    { concurrency: 20 },
  );
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    for (let i = 0; i < options.samples + 3; i++) {
      const started = new Promise<number>((resolve) => (resolveStart = resolve));
      await queue.add('now', {}, { removeOnComplete: true, removeOnFail: true });
      const added = nowMs();
      const at = await started;
      if (i >= 3) samples.push(at - added);
      await sleep(50);
    }
    return samples;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

export function runExecutable(path: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
}

/** `count` jobs whose processor spawns `path` (as an Executable step does), `concurrency` at once: jobs completed per second. */
export async function spawnJobsPerSecond(kit: QueueKit, options: { count: number; concurrency: number; path: string }): Promise<number> {
  const name = anchorQueueName('spawn');
  const queue = kit.queue(name);
  let completed = 0;
  const worker = kit.worker<object, void>(
    name,
    async () => {
      await runExecutable(options.path);
      completed++;
    },
    { concurrency: options.concurrency, autorun: false },
  );
  try {
    await queue.waitUntilReady();
    for (let i = 0; i < options.count; i += 500) {
      await queue.addBulk(Array.from({ length: Math.min(500, options.count - i) }, () => ({ name: 'spawn', data: {}, opts: { removeOnComplete: true, removeOnFail: true } })));
    }
    const started = nowMs();
    void worker.run();
    await waitFor('anchor spawn jobs completed', async () => completed >= options.count, 300_000, 10);
    return options.count / ((nowMs() - started) / 1000);
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
