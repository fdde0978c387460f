import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, DATABASE_URL, type AppConfig } from '@jim/config';
import type { Queue } from 'bullmq';
import { JobSchedulerSync } from './job-scheduler-sync';
import { STEP_QUEUE, stepQueueName, stepShardOf, TICK_QUEUE } from './names';
import { CLOSE_TIMEOUT_MS, closeWithin, QueueKit } from './queue-kit';

export const TICK_QUEUE_TOKEN = 'JIM_TICK_QUEUE';
export const STEP_QUEUE_TOKEN = 'JIM_STEP_QUEUE';

/** The step queues (JIM_STEP_QUEUE_SHARDS of them; the first is STEP_QUEUE_TOKEN's) and which one holds an execution. */
export class StepQueues {
  constructor(readonly all: Queue[]) {}

  forExecution(executionId: string): Queue {
    return this.all[stepShardOf(executionId, this.all.length)];
  }
}

export function queueKitFor(config: AppConfig, databaseUrl: string): QueueKit {
  return new QueueKit({
    backend: config.queueBackend,
    redisUrl: config.redisUrl,
    redisSentinel: config.redisSentinel,
    redisCluster: config.redisCluster,
    databaseUrl,
    prefix: config.queuePrefix,
  });
}

/**
 * A queue whose connection drops emits 'error' and reconnects by itself; without a listener Node would treat
 * the event as an uncaught error and stop the process. Callers see failures as rejected calls.
 */
function reportErrors(queue: Queue): Queue {
  const logger = new Logger('Queue');
  let last = 0;
  queue.on('error', (error: Error) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ queue: queue.name, err: error }, 'Queue connection error; reconnecting');
  });
  return queue;
}

@Injectable()
class QueueCloser implements OnApplicationShutdown {
  constructor(
    @Inject(TICK_QUEUE_TOKEN) private readonly ticks: Queue,
    private readonly steps: StepQueues,
  ) {}

  private readonly logger = new Logger('Queue');

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.ticks, ...this.steps.all].map((queue) =>
        closeWithin(queue, CLOSE_TIMEOUT_MS, () => this.logger.warn({ queue: queue.name }, 'Queue did not close in time; dropping its connections')),
      ),
    );
  }
}

/** The queues both apps use, on the configured backend; needs APP_CONFIG and DATABASE_URL from the app. */
@Global()
@Module({
  providers: [
    { provide: QueueKit, inject: [APP_CONFIG, DATABASE_URL], useFactory: queueKitFor },
    { provide: TICK_QUEUE_TOKEN, inject: [QueueKit], useFactory: (kit: QueueKit) => reportErrors(kit.tickQueue(TICK_QUEUE)) },
    { provide: STEP_QUEUE_TOKEN, inject: [QueueKit], useFactory: (kit: QueueKit) => reportErrors(kit.queue(STEP_QUEUE)) },
    {
      provide: StepQueues,
      inject: [APP_CONFIG, QueueKit, STEP_QUEUE_TOKEN],
      useFactory: (config: AppConfig, kit: QueueKit, first: Queue) =>
        new StepQueues([first, ...Array.from({ length: config.stepQueueShards - 1 }, (_, i) => reportErrors(kit.queue(stepQueueName(i + 1))))]),
    },
    { provide: JobSchedulerSync, inject: [TICK_QUEUE_TOKEN], useFactory: (queue: Queue) => new JobSchedulerSync(queue) },
    QueueCloser,
  ],
  exports: [QueueKit, TICK_QUEUE_TOKEN, STEP_QUEUE_TOKEN, StepQueues, JobSchedulerSync],
})
export class QueueModule {}
