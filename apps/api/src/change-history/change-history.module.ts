import { Module } from '@nestjs/common';
import { ScheduleChangeHistoryController } from './change-history.controller';
import { ScheduleChangeHistory } from './change-history.service';

@Module({
  controllers: [ScheduleChangeHistoryController],
  providers: [ScheduleChangeHistory],
})
export class ChangeHistoryModule {}
