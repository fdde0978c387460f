import { Inject, Injectable, type INestApplication, type OnApplicationShutdown } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { CLOSE_TIMEOUT_MS, closeWithin, NOTIFICATION_QUEUE, QueueKit, StepQueues, TICK_QUEUE_TOKEN } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { Express } from 'express';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { administratorsOnly } from './dashboard-auth';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/**
 * The queue dashboard (bull-board) for Administrators: the tick queue with one job scheduler per enabled cron schedule,
 * the step queue (each step job carries its output as job logs), and the run-profile queue the sync engine consumes.
 * Read-only: the database is the source of truth, and the workers reconcile the queues with it.
 */
@Injectable()
export class QueueDashboard implements OnApplicationShutdown {
  private runProfileQueue: Queue | null = null;
  private notificationQueue: Queue | null = null;

  constructor(
    @Inject(TICK_QUEUE_TOKEN) private readonly tickQueue: Queue,
    private readonly stepQueues: StepQueues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kit: QueueKit,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly limiter: RateLimiter,
  ) {}

  /** Mounts the dashboard on the application's Express instance, behind the Administrator check. */
  mount(app: INestApplication): void {
    this.runProfileQueue ??= this.kit.queue(this.config.runProfileQueueName);
    this.notificationQueue ??= this.kit.queue(NOTIFICATION_QUEUE);
    const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
    const options = { readOnlyMode: true };
    createBullBoard({
      queues: [
        new BullMQAdapter(this.tickQueue, { ...options, description: 'Cron ticks: one job scheduler per enabled cron schedule (schedule:<scheduleId>)' }),
        ...this.stepQueues.all.map((queue) => new BullMQAdapter(queue, { ...options, description: 'Steps of running executions; job logs hold the step output' })),
        new BullMQAdapter(this.runProfileQueue, { ...options, description: 'Run-profile work handed to the sync engine' }),
        new BullMQAdapter(this.notificationQueue, { ...options, description: 'Webhook delivery attempts, relayed from the webhook_deliveries outbox' }),
      ],
      // @bull-board/express pins its own patch release of @bull-board/api; the adapter contract is the same.
      serverAdapter: serverAdapter as unknown as BoardServerAdapter,
      options: { uiConfig: { boardTitle: 'JIM queues' } },
    });
    // The board is an Express application of its own, which would add X-Powered-By back to its responses.
    const board = serverAdapter.getRouter() as Express;
    board.disable('x-powered-by');
    const express = app.getHttpAdapter().getInstance() as Express;
    express.use(QUEUE_DASHBOARD_PATH, administratorsOnly(this.authenticator, this.limiter), board);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.runProfileQueue) await closeWithin(this.runProfileQueue, CLOSE_TIMEOUT_MS);
    if (this.notificationQueue) await closeWithin(this.notificationQueue, CLOSE_TIMEOUT_MS);
  }
}
