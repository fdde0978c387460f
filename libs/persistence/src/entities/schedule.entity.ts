import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { InitiatorType, IntervalUnit, OverlapPolicy, PatternType, TriggerType } from './enums';
import { Timestamp } from './timestamp';

@Entity({ name: 'schedules' })
export class Schedule {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) description: string | null;
  @Column({ name: 'is_enabled', type: 'boolean' }) isEnabled: boolean;
  @Column({ name: 'trigger_type', type: 'varchar', length: 10 }) triggerType: TriggerType;
  @Column({ name: 'pattern_type', type: 'varchar', length: 20 }) patternType: PatternType;
  @Column({ name: 'days_of_week', type: 'varchar', length: 50, nullable: true }) daysOfWeek: string | null;
  @Column({ name: 'run_times', type: 'varchar', length: 200, nullable: true }) runTimes: string | null;
  @Column({ name: 'interval_value', type: 'int', nullable: true }) intervalValue: number | null;
  @Column({ name: 'interval_unit', type: 'varchar', length: 10, nullable: true }) intervalUnit: IntervalUnit | null;
  @Column({ name: 'interval_window_start', type: 'varchar', length: 10, nullable: true }) intervalWindowStart: string | null;
  @Column({ name: 'interval_window_end', type: 'varchar', length: 10, nullable: true }) intervalWindowEnd: string | null;
  @Column({ name: 'cron_expression', type: 'text', nullable: true }) cronExpression: string | null;
  @Column({ name: 'time_zone', type: 'varchar', length: 64 }) timeZone: string;
  @Timestamp('last_run_time', { nullable: true }) lastRunTime: Date | null;
  @Timestamp('next_run_time', { nullable: true }) nextRunTime: Date | null;
  @Timestamp('created') created: Date;
  @Column({ name: 'created_by_type', type: 'varchar', length: 20 }) createdByType: InitiatorType;
  @Column({ name: 'created_by_id', type: 'varchar', length: 64, nullable: true }) createdById: string | null;
  @Column({ name: 'created_by_name', type: 'varchar', length: 200, nullable: true }) createdByName: string | null;
  @Timestamp('last_updated', { nullable: true }) lastUpdated: Date | null;
  @Column({ name: 'last_updated_by_type', type: 'varchar', length: 20, nullable: true }) lastUpdatedByType: InitiatorType | null;
  @Column({ name: 'last_updated_by_id', type: 'varchar', length: 64, nullable: true }) lastUpdatedById: string | null;
  @Column({ name: 'last_updated_by_name', type: 'varchar', length: 200, nullable: true }) lastUpdatedByName: string | null;
  @VersionColumn() version: number;
  @Column({ name: 'overlap_policy', type: 'varchar', length: 20, default: 'Skip' }) overlapPolicy: OverlapPolicy;
  @Column({ name: 'catch_up_window_seconds', type: 'int', nullable: true }) catchUpWindowSeconds: number | null;
  @Column({ name: 'jitter_seconds', type: 'int', default: 0 }) jitterSeconds: number;
}
