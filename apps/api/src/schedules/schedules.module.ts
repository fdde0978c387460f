import { Module } from '@nestjs/common';
import { ScheduleReader } from './schedule-reader';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

@Module({
  controllers: [SchedulesController],
  providers: [SchedulesService, ScheduleReader],
  exports: [SchedulesService, ScheduleReader],
})
export class SchedulesModule {}
