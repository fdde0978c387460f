import type { Queue } from 'bullmq';
import { CHECK_TIMEOUT_MS } from './readiness-probe';

/**
 * `behind`: the oldest job waiting for a worker has waited longer than the threshold (workers, or the queue
 * backend, do not keep up; the PostgreSQL backend reaches this first, see docs/scaling.md). Readiness then
 * reports `degraded`, not down: the process still serves, and restarting it would not help.
 */
export interface BacklogCheck {
  status: 'ok' | 'behind';
  thresholdSeconds: number;
  /** How long the oldest waiting job of any queue has waited; 0 when none waits. */
  oldestWaitingSeconds: number;
  /** The queue of that job, when one waits. */
  queue?: string;
}

/** The oldest waiting job of each queue, read at most once per probe and within the probe's time limit. */
export class QueueBacklog {
  private inflight?: Promise<BacklogCheck>;

  constructor(
    private readonly queues: Queue[],
    private readonly thresholdSeconds: number,
  ) {}

  /** null when the queues do not answer in time: the queue check reports that. */
  async check(): Promise<BacklogCheck | null> {
    this.inflight ??= this.measure().finally(() => (this.inflight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CHECK_TIMEOUT_MS)));
    try {
      return await Promise.race([this.inflight.catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async measure(): Promise<BacklogCheck> {
    const oldest = await Promise.all(
      this.queues.map(async (queue) => {
        const [job] = await queue.getWaiting(0, 0);
        // A delayed job (every tick) waits from the time it was due, not from when it was created.
        return job ? { queue: queue.name, waitingSince: job.timestamp + (job.delay ?? 0) } : null;
      }),
    );
    const first = oldest.filter((o) => o !== null).sort((a, b) => a.waitingSince - b.waitingSince)[0];
    if (!first) return { status: 'ok', thresholdSeconds: this.thresholdSeconds, oldestWaitingSeconds: 0 };
    const oldestWaitingSeconds = Math.max(0, Math.round((Date.now() - first.waitingSince) / 100) / 10);
    return {
      status: oldestWaitingSeconds > this.thresholdSeconds ? 'behind' : 'ok',
      thresholdSeconds: this.thresholdSeconds,
      oldestWaitingSeconds,
      queue: first.queue,
    };
  }
}
