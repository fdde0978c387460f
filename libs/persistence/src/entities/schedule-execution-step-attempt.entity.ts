import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamp } from './timestamp';

/** One finished attempt of an execution step: when it ran and how it ended. */
@Entity({ name: 'schedule_execution_step_attempts' })
export class ScheduleExecutionStepAttempt {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'execution_step_id', type: 'uuid' }) executionStepId: string;
  @Column({ type: 'int' }) attempt: number;
  @Timestamp('started_at', { nullable: true }) startedAt: Date | null;
  @Timestamp('completed_at') completedAt: Date;
  @Column({ type: 'varchar', length: 30 }) outcome: string;
  @Column({ name: 'exit_code', type: 'int', nullable: true }) exitCode: number | null;
  @Column({ name: 'stdout_tail', type: 'text', nullable: true }) stdoutTail: string | null;
  @Column({ name: 'stderr_tail', type: 'text', nullable: true }) stderrTail: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage: string | null;
  @Column({ name: 'activity_id', type: 'varchar', length: 64, nullable: true }) activityId: string | null;
}
