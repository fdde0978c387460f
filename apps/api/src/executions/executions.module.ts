import { Module } from '@nestjs/common';
import { ExecutionReader } from './execution-reader';
import { ExecutionsService } from './executions.service';
import { ScheduleExecutionsController } from './schedule-executions.controller';
import { ScheduleRunsController } from './schedule-runs.controller';

/** Runs of schedules: starting them by hand, reading their progress, cancelling them. Step jobs go to the global step queue. */
@Module({
  controllers: [ScheduleRunsController, ScheduleExecutionsController],
  providers: [ExecutionsService, ExecutionReader],
  exports: [ExecutionReader],
})
export class ExecutionsModule {}
