import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StepStatus } from './enums';
import { StepDefinitionColumns } from './step-definition.columns';
import { Timestamp } from './timestamp';

/** A step as it was when its execution started (its definition inherited), plus what happened when it ran. */
@Entity({ name: 'schedule_execution_steps' })
export class ScheduleExecutionStep extends StepDefinitionColumns {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'execution_id', type: 'uuid' }) executionId: string;
  @Column({ name: 'step_id', type: 'uuid' }) stepId: string;
  @Column({ name: 'step_index', type: 'int' }) stepIndex: number;
  @Column({ name: 'group_ordinal', type: 'int' }) groupOrdinal: number;
  @Column({ name: 'position', type: 'int' }) position: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'connected_system_name', type: 'varchar', length: 200, nullable: true }) connectedSystemName: string | null;
  @Column({ name: 'run_profile_name', type: 'varchar', length: 200, nullable: true }) runProfileName: string | null;
  @Column({ name: 'run_type', type: 'varchar', length: 30, nullable: true }) runType: string | null;
  @Column({ type: 'varchar', length: 30 }) status: StepStatus;
  @Timestamp('started_at', { nullable: true }) startedAt: Date | null;
  @Timestamp('completed_at', { nullable: true }) completedAt: Date | null;
  /** Last proof of life from the worker running the step; a stale one means the worker was lost. */
  @Timestamp('heartbeat_at', { nullable: true }) heartbeatAt: Date | null;
  @Column({ name: 'worker_id', type: 'varchar', length: 200, nullable: true }) workerId: string | null;
  @Column({ name: 'exit_code', type: 'int', nullable: true }) exitCode: number | null;
  @Column({ name: 'stdout_tail', type: 'text', nullable: true }) stdoutTail: string | null;
  @Column({ name: 'stderr_tail', type: 'text', nullable: true }) stderrTail: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage: string | null;
  /** RunProfile steps on JIM: when execute was sent, and JIM's activity and worker task. */
  @Timestamp('dispatched_at', { nullable: true }) dispatchedAt: Date | null;
  @Column({ name: 'activity_id', type: 'varchar', length: 64, nullable: true }) activityId: string | null;
  @Column({ name: 'task_id', type: 'varchar', length: 64, nullable: true }) taskId: string | null;
  @Column({ name: 'activity_status', type: 'varchar', length: 30, nullable: true }) activityStatus: string | null;
  @Column({ name: 'activity_message', type: 'text', nullable: true }) activityMessage: string | null;
  /** `{percentComplete, objectsProcessed, objectsToProcess, phase}` of the JIM activity, as last polled. */
  @Column({ type: 'jsonb', nullable: true }) progress: Record<string, unknown> | null;
  /** The attempt being run (1-based); while a retry waits, when it falls due. */
  @Column({ type: 'int', default: 1 }) attempt: number;
  @Timestamp('next_attempt_at', { nullable: true }) nextAttemptAt: Date | null;
}
