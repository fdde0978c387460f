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
  /**
   * For cron ticks: decides, from the locked schedule's firing fields, whether the tick still stands (a reason
   * when it is stale) and the schedule's next fire time, stored with the start in the same statement.
   */
  check?: (schedule: ScheduleFiring) => { stale: string } | TickTimes;
}

export interface TickTimes {
  /** The schedule's next run time, as shown to users. */
  nextRunTime: Date | null;
  /** The trigger's fire time right after this tick: where the tick watermark moves when this tick was the oldest open one. */
  followingTick: Date | null;
}

/** The firing fields of a schedule, as `StartExecutionInput.check` sees them. */
export interface ScheduleFiring {
  isEnabled: boolean;
  triggerType: string;
  cronExpression: string | null;
  timeZone: string;
}

export type StartExecutionResult =
  | { kind: 'started'; executionId: string; scheduleName: string; firstGroupStepIds: string[] }
  | { kind: 'not-found' }
  | { kind: 'no-steps'; scheduleName: string }
  | { kind: 'duplicate'; executionId: string | null }
  | { kind: 'skipped'; reason: string; activeExecutionId: string }
  | { kind: 'stale'; reason: string };

/**
 * Creates an execution with a snapshot of the schedule's steps and queues its first group, in the caller's
 * transaction. The schedule row is locked, so concurrent ticks and runs of one schedule are serialised:
 * the overlap check and the (schedule, nominal time) uniqueness cannot race.
 * The caller enqueues `firstGroupStepIds` after commit.
 */
export async function startExecution(tx: EntityManager, input: StartExecutionInput): Promise<StartExecutionResult> {
  // One round trip: lock the schedule and learn how it fires, whether this tick already ran and what is still running.
  const [schedule] = await tx.query(
    `SELECT s.id, s.name, s.is_enabled, s.trigger_type, s.cron_expression, s.time_zone,
       (SELECT e.id FROM schedule_executions e WHERE e.schedule_id = s.id AND e.scheduled_for = $2) AS existing_id,
       EXISTS (SELECT 1 FROM skipped_runs r WHERE r.schedule_id = s.id AND r.scheduled_for = $2) AS recorded_skipped,
       (SELECT e.id FROM schedule_executions e WHERE e.schedule_id = s.id AND e.status IN ('Queued', 'InProgress')
        ORDER BY e.queued_at LIMIT 1) AS active_id,
       (SELECT e.status FROM schedule_executions e WHERE e.schedule_id = s.id AND e.status IN ('Queued', 'InProgress')
        ORDER BY e.queued_at LIMIT 1) AS active_status
     FROM schedules s WHERE s.id = $1 FOR UPDATE OF s`,
    [input.scheduleId, input.scheduledFor],
  );
  if (!schedule) return { kind: 'not-found' };
  if (input.scheduledFor && schedule.existing_id) return { kind: 'duplicate', executionId: schedule.existing_id };
  // Already recorded as skipped (by the misfire pass, when this tick came later than the grace): it stays so.
  if (input.scheduledFor && schedule.recorded_skipped) return { kind: 'duplicate', executionId: null };
  const decision = input.check?.({
    isEnabled: schedule.is_enabled,
    triggerType: schedule.trigger_type,
    cronExpression: schedule.cron_expression,
    timeZone: schedule.time_zone,
  });
  if (decision && 'stale' in decision) return { kind: 'stale', reason: decision.stale };
  const moveNextRunTime = async () => {
    if (!decision) return;
    await tx.query(
      `UPDATE schedules SET next_run_time = $2,
         first_unaccounted_tick = CASE WHEN first_unaccounted_tick = $3 THEN $4::timestamptz ELSE first_unaccounted_tick END
       WHERE id = $1`,
      [input.scheduleId, decision.nextRunTime, input.scheduledFor, decision.followingTick],
    );
  };
  if (input.trigger === 'Cron' && schedule.active_id) {
    const reason = `Execution ${schedule.active_id} was still ${schedule.active_status === 'Queued' ? 'queued' : 'in progress'}`;
    await recordSkippedRun(tx, input.scheduleId, input.scheduledFor ?? new Date(), reason, schedule.active_id);
    await moveNextRunTime();
    return { kind: 'skipped', reason, activeExecutionId: schedule.active_id };
  }

  // One round trip: the execution and the snapshot of every step, the first group queued.
  const executionId = randomUUID();
  const now = new Date();
  const firstGroup: { id: string }[] = await tx.query(
    `WITH steps AS (
       SELECT st.*, cs.name AS connected_system_name, rp.name AS run_profile_name, rp.run_type,
              (dense_rank() OVER (ORDER BY st.step_index) - 1)::int AS ordinal
       FROM schedule_steps st
       LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
       LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
       WHERE st.schedule_id = $2
     ),
     execution AS (
       INSERT INTO schedule_executions
         (id, schedule_id, schedule_name, status, trigger_kind, scheduled_for, current_step_index, total_steps,
          dispatched_group, queued_at, started_at, initiated_by_type, initiated_by_id, initiated_by_name)
       SELECT $1, $2, $3, 'InProgress', $4, $5, 0, (SELECT count(DISTINCT step_index) FROM steps), 0, $6, $6, $7, $8, $9
       WHERE EXISTS (SELECT 1 FROM steps)
       RETURNING id
     ),
     snapshot AS (
       INSERT INTO schedule_execution_steps
         (id, execution_id, step_id, step_index, group_ordinal, position, name, step_type, execution_mode,
          continue_on_failure, timeout_seconds, connected_system_id, connected_system_name, run_profile_id,
          run_profile_name, run_type, script_path, arguments, executable_path, working_directory,
          sql_connection_string, sql_script_path, status)
       SELECT gen_random_uuid(), execution.id, s.id, s.step_index, s.ordinal, s.position,
              COALESCE(s.name,
                       CASE WHEN s.step_type = 'RunProfile' AND s.connected_system_name IS NOT NULL AND s.run_profile_name IS NOT NULL
                            THEN s.connected_system_name || ' - ' || s.run_profile_name END,
                       'Step ' || (s.step_index + 1)),
              s.step_type, s.execution_mode, s.continue_on_failure, s.timeout_seconds, s.connected_system_id,
              s.connected_system_name, s.run_profile_id, s.run_profile_name, s.run_type, s.script_path, s.arguments,
              s.executable_path, s.working_directory, s.sql_connection_string, s.sql_script_path,
              CASE WHEN s.ordinal = 0 THEN 'Queued' ELSE 'Pending' END
       FROM steps s CROSS JOIN execution
       RETURNING id, group_ordinal, step_index, position
     ),
     schedule AS (
       UPDATE schedules SET last_run_time = $6,
         next_run_time = CASE WHEN $10 THEN $11::timestamptz ELSE next_run_time END,
         first_unaccounted_tick = CASE WHEN $10 AND first_unaccounted_tick = $5 THEN $12::timestamptz ELSE first_unaccounted_tick END
       WHERE id = $2 AND EXISTS (SELECT 1 FROM execution)
     )
     SELECT id FROM snapshot WHERE group_ordinal = 0 ORDER BY step_index, position`,
    [
      executionId,
      input.scheduleId,
      schedule.name,
      input.trigger,
      input.scheduledFor,
      now,
      input.initiator.type,
      input.initiator.id,
      input.initiator.name,
      decision !== undefined,
      decision?.nextRunTime ?? null,
      decision?.followingTick ?? null,
    ],
  );
  if (firstGroup.length === 0) {
    await moveNextRunTime();
    return { kind: 'no-steps', scheduleName: schedule.name };
  }
  return { kind: 'started', executionId, scheduleName: schedule.name, firstGroupStepIds: firstGroup.map((r) => r.id) };
}

/**
 * Records the given nominal times of a schedule that have neither an execution nor a skipped run as skipped, with
 * `reason`, and moves its tick watermark to `watermark`. The caller holds the schedule's row lock. Returns how many
 * were recorded.
 */
export async function recordMissedTicks(tx: EntityManager, scheduleId: string, times: Date[], reason: string, watermark: Date | null): Promise<number> {
  const [{ n }] = await tx.query(
    `WITH recorded AS (
       INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
       SELECT gen_random_uuid(), $1, t, $3, NULL, now() FROM unnest($2::timestamptz[]) AS t
       WHERE NOT EXISTS (SELECT 1 FROM schedule_executions e WHERE e.schedule_id = $1 AND e.scheduled_for = t)
       ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
       RETURNING 1
     ),
     moved AS (UPDATE schedules SET first_unaccounted_tick = $4 WHERE id = $1)
     SELECT count(*)::int AS n FROM recorded`,
    [scheduleId, times, reason, watermark],
  );
  return n;
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


/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, count]; this always gives the rows. */
export async function queryReturning<T>(manager: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const result = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
