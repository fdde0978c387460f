import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { JobSchedulerSync, QueueKit, STEP_QUEUE, TICK_QUEUE } from '@jim/queue';
import type { Queue } from 'bullmq';
import { ScheduleFiring, type FiringState } from '../schedules/schedule-firing';

export const TICK_QUEUE_TOKEN = 'JIM_TICK_QUEUE';
export const STEP_QUEUE_TOKEN = 'JIM_STEP_QUEUE';

export function queueKitFor(config: AppConfig, databaseUrl: string): QueueKit {
  return new QueueKit({ backend: config.queueBackend, redisUrl: config.redisUrl, redisSentinel: config.redisSentinel, databaseUrl, prefix: config.queuePrefix });
}

@Injectable()
class JobSchedulerFiring extends ScheduleFiring {
  private readonly sync: JobSchedulerSync;

  constructor(@Inject(TICK_QUEUE_TOKEN) tickQueue: Queue) {
    super();
    this.sync = new JobSchedulerSync(tickQueue);
  }

  apply(state: FiringState): Promise<void> {
    return this.sync.apply(state);
  }

  remove(scheduleId: string): Promise<void> {
    return this.sync.remove(scheduleId);
  }
}

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
      useFactory: (config: AppConfig, databaseUrl: string) => queueKitFor(config, databaseUrl),
    },
    { provide: TICK_QUEUE_TOKEN, inject: [QueueKit], useFactory: (kit: QueueKit) => kit.tickQueue(TICK_QUEUE) },
    { provide: STEP_QUEUE_TOKEN, inject: [QueueKit], useFactory: (kit: QueueKit) => kit.queue(STEP_QUEUE) },
    { provide: ScheduleFiring, useClass: JobSchedulerFiring },
    QueueCloser,
  ],
  exports: [QueueKit, TICK_QUEUE_TOKEN, STEP_QUEUE_TOKEN, ScheduleFiring],
})
export class FiringModule {}
