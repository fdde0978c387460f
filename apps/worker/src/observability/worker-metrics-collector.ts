import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, WORKER_ROLES, type AppConfig } from '@jim/config';
import { EXECUTION_STATUSES } from '@jim/contracts';
import { CLOSE_TIMEOUT_MS, closeWithin, NOTIFICATION_QUEUE, QueueKit, StepQueues, TICK_QUEUE, TICK_QUEUE_TOKEN } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { StepRunner } from '../engine/step-runner.service';
import { WorkerMetrics } from './worker-metrics';

const QUEUE_STATES = ['waiting', 'active', 'delayed'] as const;
const EXECUTIONS_REFRESH_MS = 5000;
const SOURCE_TIMEOUT_MS = 2000;

/** Fills the gauges that are read rather than counted: queue depths, executions by status, running steps. */
@Injectable()
export class WorkerMetricsCollector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private runProfileQueue?: Queue;
  private notificationQueue?: Queue;
  private executionsReadAt = 0;

  constructor(
    private readonly metrics: WorkerMetrics,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kit: QueueKit,
    @Inject(TICK_QUEUE_TOKEN) private readonly tickQueue: Queue,
    private readonly stepQueues: StepQueues,
    private readonly steps: StepRunner,
  ) {}

  onModuleInit(): void {
    this.metrics.setRoles(WORKER_ROLES, this.config.worker.roles);
    this.metrics.addCollector(async () => this.metrics.runningSteps.set(this.steps.running.size));
    this.metrics.addCollector(() => this.collectQueueDepths());
    this.metrics.addCollector(() => this.collectExecutions());
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.runProfileQueue) await closeWithin(this.runProfileQueue, CLOSE_TIMEOUT_MS);
    if (this.notificationQueue) await closeWithin(this.notificationQueue, CLOSE_TIMEOUT_MS);
  }

  private async collectQueueDepths(): Promise<void> {
    // Opened on the first scrape: a worker nobody scrapes holds no extra connection.
    this.runProfileQueue ??= this.kit.queue(this.config.runProfileQueueName);
    this.notificationQueue ??= this.kit.queue(NOTIFICATION_QUEUE);
    const queues: [string, Queue][] = [
      [TICK_QUEUE, this.tickQueue],
      ...this.stepQueues.all.map((queue): [string, Queue] => [queue.name, queue]),
      [this.config.runProfileQueueName, this.runProfileQueue],
      [NOTIFICATION_QUEUE, this.notificationQueue],
    ];
    await Promise.all(
      queues.map(async ([name, queue]) => {
        try {
          const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), SOURCE_TIMEOUT_MS);
          for (const state of QUEUE_STATES) this.metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
        } catch (error) {
          // An unreadable queue is left out of the scrape rather than reported with stale numbers.
          for (const state of QUEUE_STATES) this.metrics.queueDepth.remove({ queue: name, state });
          this.logger.debug({ err: error, queue: name }, 'Could not read queue depth');
        }
      }),
    );
  }

  private async collectExecutions(): Promise<void> {
    if (Date.now() - this.executionsReadAt < EXECUTIONS_REFRESH_MS) return;
    try {
      const rows: { status: string; n: string }[] = await withTimeout(
        this.db.query(`SELECT status, count(*) AS n FROM schedule_executions GROUP BY status`),
        SOURCE_TIMEOUT_MS,
      );
      this.metrics.executions.reset();
      for (const status of EXECUTION_STATUSES) this.metrics.executions.set({ status }, 0);
      for (const row of rows) this.metrics.executions.set({ status: row.status }, Number(row.n));
      this.executionsReadAt = Date.now();
    } catch (error) {
      this.metrics.executions.reset();
      this.logger.debug({ err: error }, 'Could not count executions');
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
