import { Module } from '@nestjs/common';
import { BackfillsController } from './backfills.controller';
import { BackfillsService } from './backfills.service';

/** Backfills of schedules: one execution per nominal fire time of a range. Step jobs go to the global step queue. */
@Module({
  controllers: [BackfillsController],
  providers: [BackfillsService],
})
export class BackfillsModule {}
