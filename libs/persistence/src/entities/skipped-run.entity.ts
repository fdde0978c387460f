import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamp } from './timestamp';

@Entity({ name: 'skipped_runs' })
export class SkippedRun {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'schedule_id', type: 'uuid' }) scheduleId: string;
  @Timestamp('scheduled_for') scheduledFor: Date;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  @Column({ name: 'active_execution_id', type: 'uuid', nullable: true }) activeExecutionId: string | null;
  @Timestamp('recorded_at') recordedAt: Date;
}
