import { Module } from '@nestjs/common';
import { SchedulePreviewController } from './schedule-preview.controller';
import { SchedulePreviewService } from './schedule-preview.service';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

@Module({
  // SchedulePreviewController first: its static paths (upcoming, preview) must win over SchedulesController's :id.
  controllers: [SchedulePreviewController, SchedulesController],
  providers: [SchedulesService, SchedulePreviewService],
  exports: [SchedulesService],
})
export class SchedulesModule {}
