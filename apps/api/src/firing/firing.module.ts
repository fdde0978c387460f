import { Global, Injectable, Module } from '@nestjs/common';
import { JobSchedulerSync, QueueModule, type FiringSpec } from '@jim/queue';
import { ScheduleFiring } from '../schedules/schedule-firing';

@Injectable()
class JobSchedulerFiring extends ScheduleFiring {
  constructor(private readonly sync: JobSchedulerSync) {
    super();
  }

  apply(state: FiringSpec): Promise<void> {
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
