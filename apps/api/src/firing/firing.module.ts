import { Global, Injectable, Module } from '@nestjs/common';
import { JobSchedulerSync, QueueModule } from '@jim/queue';
import { ScheduleFiring, type FiringState } from '../schedules/schedule-firing';

export { queueKitFor, STEP_QUEUE_TOKEN, TICK_QUEUE_TOKEN } from '@jim/queue';

@Injectable()
class JobSchedulerFiring extends ScheduleFiring {
  constructor(private readonly sync: JobSchedulerSync) {
    super();
  }

  apply(state: FiringState): Promise<void> {
    return this.sync.apply(state);
  }

  remove(scheduleId: string): Promise<void> {
    return this.sync.remove(scheduleId);
  }
}

/** The API's side of firing: writes to schedules keep their job schedulers in step at once. */
@Global()
@Module({
  imports: [QueueModule],
  providers: [{ provide: ScheduleFiring, useClass: JobSchedulerFiring }],
  exports: [QueueModule, ScheduleFiring],
})
export class FiringModule {}
