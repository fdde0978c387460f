import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ExecutionStatus, Initiator, StepStatus } from './entities';
import type { ExecutionTrigger } from './entities/schedule-execution.entity';

export const NOT_RUN_MESSAGE = 'Not run: a previous step failed';
export const CANCELLED_BY_USER = 'Cancelled by user';

export interface StartExecutionInput {
  scheduleId: string;
  trigger: ExecutionTrigger;
  /** The nominal fire time of a cron tick; null for manual runs. */
  scheduledFor: Date | null;
  initiator: Initiator;
}

export type StartExecutionResult =
  | { kind: 'started'; executionId: string; scheduleName: string; firstGroupStepIds: string[] }
  | { kind: 'not-found' }
  | { kind: 'no-steps'; scheduleName: string }
  | { kind: 'duplicate'; executionId: string }
  | { kind: 'skipped'; reason: string; activeExecutionId: string };

/**
 * Creates an execution with a snapshot of the schedule's steps and queues its first group, in the caller's
 * transaction. The schedule row is locked, so concurrent ticks and runs of one schedule are serialised:
 * the overlap check and the (schedule, nominal time) uniqueness cannot race.
 * The caller enqueues `firstGroupStepIds` after commit.
 */
export async function startExecution(tx: EntityManager, input: StartExecutionInput): Promise<StartExecutionResult> {
  const [schedule] = await tx.query(`SELECT id, name FROM schedules WHERE id = $1 FOR UPDATE`, [input.scheduleId]);
  if (!schedule) return { kind: 'not-found' };

  if (input.scheduledFor) {
    const [existing] = await tx.query(`SELECT id FROM schedule_executions WHERE schedule_id = $1 AND scheduled_for = $2`, [
      input.scheduleId,
      input.scheduledFor,
    ]);
    if (existing) return { kind: 'duplicate', executionId: existing.id };
  }
  if (input.trigger === 'Cron') {
    const [active] = await tx.query(
      `SELECT id, status FROM schedule_executions WHERE schedule_id = $1 AND status IN ('Queued', 'InProgress') ORDER BY queued_at LIMIT 1`,
      [input.scheduleId],
    );
    if (active) {
      const reason = `Execution ${active.id} was still ${active.status === 'Queued' ? 'queued' : 'in progress'}`;
      await recordSkippedRun(tx, input.scheduleId, input.scheduledFor ?? new Date(), reason, active.id);
      return { kind: 'skipped', reason, activeExecutionId: active.id };
    }
  }

  const steps: StepRow[] = await tx.query(
    `SELECT st.*, cs.name AS connected_system_name, rp.name AS run_profile_name, rp.run_type
     FROM schedule_steps st
     LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
     LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
     WHERE st.schedule_id = $1 ORDER BY st.step_index, st.position`,
    [input.scheduleId],
  );
  if (steps.length === 0) return { kind: 'no-steps', scheduleName: schedule.name };

  const executionId = randomUUID();
  const now = new Date();
  const groups = [...new Set(steps.map((s) => s.step_index))];
  await tx.query(
    `INSERT INTO schedule_executions
       (id, schedule_id, schedule_name, status, trigger_kind, scheduled_for, current_step_index, total_steps,
        dispatched_group, queued_at, started_at, initiated_by_type, initiated_by_id, initiated_by_name)
     VALUES ($1, $2, $3, 'InProgress', $4, $5, 0, $6, 0, $7, $7, $8, $9, $10)`,
    [executionId, input.scheduleId, schedule.name, input.trigger, input.scheduledFor, groups.length, now, input.initiator.type, input.initiator.id, input.initiator.name],
  );
  const firstGroupStepIds: string[] = [];
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const step of steps) {
    const id = randomUUID();
    const ordinal = groups.indexOf(step.step_index);
    if (ordinal === 0) firstGroupStepIds.push(id);
    const row = [
      id, executionId, step.id, step.step_index, ordinal, step.position, displayName(step), step.step_type, step.execution_mode,
      step.continue_on_failure, step.timeout_seconds, step.connected_system_id, step.connected_system_name, step.run_profile_id,
      step.run_profile_name, step.run_type, step.script_path, step.arguments, step.executable_path, step.working_directory,
      step.sql_connection_string, step.sql_script_path, ordinal === 0 ? 'Queued' : 'Pending',
    ];
    tuples.push(`(${row.map((_, i) => `$${values.length + i + 1}`).join(', ')})`);
    values.push(...row);
  }
  await tx.query(
    `INSERT INTO schedule_execution_steps
       (id, execution_id, step_id, step_index, group_ordinal, position, name, step_type, execution_mode,
        continue_on_failure, timeout_seconds, connected_system_id, connected_system_name, run_profile_id,
        run_profile_name, run_type, script_path, arguments, executable_path, working_directory,
        sql_connection_string, sql_script_path, status)
     VALUES ${tuples.join(', ')}`,
    values,
  );
  await tx.query(`UPDATE schedules SET last_run_time = $2 WHERE id = $1`, [input.scheduleId, now]);
  return { kind: 'started', executionId, scheduleName: schedule.name, firstGroupStepIds };
}

export async function recordSkippedRun(
  tx: EntityManager,
  scheduleId: string,
  scheduledFor: Date,
  reason: string,
  activeExecutionId: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
     VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (schedule_id, scheduled_for) DO NOTHING`,
    [randomUUID(), scheduleId, scheduledFor, reason, activeExecutionId],
  );
}

/**
 * Cancels an active execution: its status, and every step that has not started. Steps that are running
 * are stopped by the worker running them, which notices the execution's status.
 */
export async function cancelExecution(tx: EntityManager, executionId: string): Promise<{ ok: true } | { ok: false; status: ExecutionStatus | null }> {
  const [execution] = await tx.query(`SELECT status FROM schedule_executions WHERE id = $1 FOR UPDATE`, [executionId]);
  if (!execution) return { ok: false, status: null };
  if (execution.status !== 'Queued' && execution.status !== 'InProgress') return { ok: false, status: execution.status };
  await tx.query(
    `UPDATE schedule_executions SET status = 'Cancelled', completed_at = now(), error_message = $2 WHERE id = $1`,
    [executionId, CANCELLED_BY_USER],
  );
  await tx.query(
    `UPDATE schedule_execution_steps SET status = 'Cancelled', completed_at = now(), error_message = $2
     WHERE execution_id = $1 AND status IN ('Pending', 'Queued')`,
    [executionId, CANCELLED_BY_USER],
  );
  return { ok: true };
}

export const TERMINAL_STEP_STATUSES: StepStatus[] = ['Completed', 'CompletedWithWarning', 'CompletedWithError', 'Failed', 'Cancelled'];

interface StepRow {
  id: string;
  step_index: number;
  position: number;
  name: string | null;
  step_type: string;
  execution_mode: string;
  continue_on_failure: boolean;
  timeout_seconds: number | null;
  connected_system_id: number | null;
  connected_system_name: string | null;
  run_profile_id: number | null;
  run_profile_name: string | null;
  run_type: string | null;
  script_path: string | null;
  arguments: string | null;
  executable_path: string | null;
  working_directory: string | null;
  sql_connection_string: string | null;
  sql_script_path: string | null;
}

/** A step's name as people see it: its own, or "<system> - <profile>" for run profiles, or its position. */
function displayName(step: StepRow): string {
  if (step.name) return step.name;
  if (step.step_type === 'RunProfile' && step.connected_system_name && step.run_profile_name) {
    return `${step.connected_system_name} - ${step.run_profile_name}`;
  }
  return `Step ${step.step_index + 1}`;
}

/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, count]; this always gives the rows. */
export async function queryReturning<T>(manager: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const result = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
