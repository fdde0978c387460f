import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ExecutionStatus, ExecutionTrigger, InitiatorType } from './enums';
import { Timestamp } from './timestamp';

@Entity({ name: 'schedule_executions' })
export class ScheduleExecution {
  @PrimaryColumn('uuid') id: string;
  /** Null once the schedule is deleted: the history outlives it. */
  @Column({ name: 'schedule_id', type: 'uuid', nullable: true }) scheduleId: string | null;
  @Column({ name: 'schedule_name', type: 'varchar', length: 200 }) scheduleName: string;
  @Column({ type: 'varchar', length: 20 }) status: ExecutionStatus;
  @Column({ name: 'trigger_kind', type: 'varchar', length: 10 }) triggerKind: ExecutionTrigger;
  /** The nominal fire time of a cron tick; unique per schedule so a tick runs once. */
  @Timestamp('scheduled_for', { nullable: true }) scheduledFor: Date | null;
  /** Ordinal of the step group reached (0-based), not a stepIndex value. */
  @Column({ name: 'current_step_index', type: 'int' }) currentStepIndex: number;
  @Column({ name: 'total_steps', type: 'int' }) totalSteps: number;
  /** Highest group ordinal whose step jobs have been handed to the queue; -1 before any. */
  @Column({ name: 'dispatched_group', type: 'int' }) dispatchedGroup: number;
  @Timestamp('queued_at') queuedAt: Date;
  @Timestamp('started_at', { nullable: true }) startedAt: Date | null;
  @Timestamp('completed_at', { nullable: true }) completedAt: Date | null;
  @Column({ name: 'initiated_by_type', type: 'varchar', length: 20 }) initiatedByType: InitiatorType;
  @Column({ name: 'initiated_by_id', type: 'varchar', length: 64, nullable: true }) initiatedById: string | null;
  @Column({ name: 'initiated_by_name', type: 'varchar', length: 200, nullable: true }) initiatedByName: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage: string | null;
}
