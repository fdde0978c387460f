import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { WebhookRepository } from '@jim/persistence';
import { CLOSE_TIMEOUT_MS, closeWithin, NOTIFICATION_JOB, NOTIFICATION_QUEUE, notificationJobId, QueueKit, type NotificationJobData } from '@jim/queue';
import { DELIVERY_TIMEOUT_MS } from '@jim/webhooks';
import type { Job, Queue, Worker } from 'bullmq';
import { WorkerMetrics } from '../observability/worker-metrics';
import { WebhookDeliverer } from './webhook-deliverer.service';

/** How often the outbox is read for deliveries to hand to the queue. */
const RELAY_INTERVAL_MS = 500;
const RELAY_BATCH = 200;
/** Deliveries in flight per worker: a slow receiver holds one slot for at most the delivery timeout. */
const DELIVERY_CONCURRENCY = 50;
/** A delivery whose worker died is taken up again once its lock lapses; longer than one attempt can take. */
const DELIVERY_LOCK_MS = DELIVERY_TIMEOUT_MS + 10_000;

/**
 * Webhook notifications, in workers with the `steps` role: the outbox relay (deliveries written in the engine's
 * transactions → the `notifications` queue, any number of relays at once thanks to SKIP LOCKED) and the queue's
 * consumer, which sends them. Nothing here runs inside an execution's transaction or on the tick path, so a slow or
 * dead receiver delays neither executions nor other receivers.
 */
@Injectable()
export class NotificationRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private queue?: Queue;
  private worker?: Worker;
  private timer?: NodeJS.Timeout;
  private relaying?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kit: QueueKit,
    private readonly webhooks: WebhookRepository,
    private readonly deliverer: WebhookDeliverer,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.roles.includes('steps')) return;
    this.queue = this.kit.queue(NOTIFICATION_QUEUE);
    this.worker = this.kit.worker<NotificationJobData, string>(NOTIFICATION_QUEUE, (job: Job<NotificationJobData>) => this.deliverer.deliver(job.data), {
      concurrency: DELIVERY_CONCURRENCY,
      lockDuration: DELIVERY_LOCK_MS,
      stalledInterval: DELIVERY_LOCK_MS,
    });
    this.worker.on('failed', (job, error) => this.logger.warn({ err: error, jobId: job?.id }, 'Webhook delivery job failed'));
    this.timer = setInterval(() => {
      if (!this.relaying) this.relaying = this.relay().then(() => (this.relaying = undefined));
    }, RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  /** Hands every delivery waiting in the outbox to the queue (delayed until its attempt is due). */
  async relay(): Promise<number> {
    const queue = this.queue;
    if (!queue) return 0;
    let total = 0;
    try {
      for (;;) {
        const moved = await this.webhooks.relay(RELAY_BATCH, async (due) => {
          const now = Date.now();
          await queue.addBulk(
            due.map((d) => ({
              name: NOTIFICATION_JOB,
              data: { deliveryId: d.id, nextAttemptAt: d.nextAttemptAt.toISOString() },
              opts: {
                jobId: notificationJobId(d.id, d.nextAttemptAt),
                delay: Math.max(0, d.nextAttemptAt.getTime() - now),
                // A failure here is the database's, not the receiver's (those are recorded, not thrown): try again soon.
                attempts: 3,
                backoff: { type: 'exponential', delay: 5_000 },
                removeOnComplete: { age: 3600, count: 10_000 },
                // Gone at once, so that the relay can hand the attempt over again if it is still overdue later.
                removeOnFail: true,
              },
            })),
          );
        });
        total += moved;
        this.metrics.webhookRelayed.inc(moved);
        if (moved < RELAY_BATCH) return total;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Webhook outbox relay failed; will retry');
      return total;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A pass stuck on an unreachable queue is abandoned: its transaction rolls back and another worker relays the rows.
    await Promise.race([this.relaying, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
    const graceMs = this.config.worker.shutdownGraceSeconds * 1000;
    await Promise.all(
      [this.worker, this.queue].filter((o): o is Worker | Queue => o !== undefined).map((o) => closeWithin(o, Math.min(graceMs, DELIVERY_TIMEOUT_MS) + CLOSE_TIMEOUT_MS)),
    );
  }
}
