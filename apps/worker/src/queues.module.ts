import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { JobSchedulerSync, QueueKit, STEP_QUEUE, TICK_QUEUE } from '@jim/queue';
import type { Queue } from 'bullmq';

export const TICK_QUEUE_TOKEN = 'JIM_TICK_QUEUE';
export const STEP_QUEUE_TOKEN = 'JIM_STEP_QUEUE';

@Injectable()
class QueueCloser implements OnApplicationShutdown {
  constructor(
    @Inject(TICK_QUEUE_TOKEN) private readonly ticks: Queue,
    @Inject(STEP_QUEUE_TOKEN) private readonly steps: Queue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.ticks.close(), this.steps.close()]);
  }
}

@Global()
@Module({
  providers: [
    {
      provide: QueueKit,
      inject: [APP_CONFIG, 'JIM_DATABASE_URL'],
      useFactory: (config: AppConfig, databaseUrl: string) =>
        new QueueKit({ backend: config.queueBackend, redisUrl: config.redisUrl, redisSentinel: config.redisSentinel, databaseUrl, prefix: config.queuePrefix }),
    },
    { provide: TICK_QUEUE_TOKEN, inject: [QueueKit], useFactory: (kit: QueueKit) => kit.tickQueue(TICK_QUEUE) },
    { provide: STEP_QUEUE_TOKEN, inject: [QueueKit], useFactory: (kit: QueueKit) => kit.queue(STEP_QUEUE) },
    { provide: JobSchedulerSync, inject: [TICK_QUEUE_TOKEN], useFactory: (queue: Queue) => new JobSchedulerSync(queue) },
    QueueCloser,
  ],
  exports: [QueueKit, TICK_QUEUE_TOKEN, STEP_QUEUE_TOKEN, JobSchedulerSync],
})
export class QueuesModule {}
