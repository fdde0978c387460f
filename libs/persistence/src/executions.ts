import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { prepared } from './prepared';
import type { ExecutionStatus, Initiator } from './entities';
import { ScheduleExecutionStep } from './entities/schedule-execution-step.entity';
import { ScheduleStep } from './entities/schedule-step.entity';
import { canMoveExecution } from './execution-transitions';
import { fieldMap } from './field-map';
import type { ExecutionTrigger, OverlapPolicy } from './entities/enums';
import { decideOverlap } from './overlap-policy';
import { recordExecutionEvent, skippedRunEventsSql } from './webhooks/outbox';

/**
 * The columns an execution's step snapshot copies from the schedule's step as they are: every column the two tables
 * share, but the ids, the name (a default is made up) and the timestamps. A step definition column, declared once in
 * StepDefinitionColumns, is copied without further change.
 */
const COPIED_STEP_COLUMNS = fieldMap<ScheduleStep, keyof ScheduleStep & string>(ScheduleStep, ['id', 'scheduleId', 'name', 'created', 'lastUpdated'])
  .map((c) => c.column)
  .filter((column) => fieldMap(ScheduleExecutionStep).some((c) => c.column === column));

export const NOT_RUN_MESSAGE = 'Not run: a previous step failed';
export const CANCELLED_BY_USER = 'Cancelled by user';

export type StartExecutionResult =
  | { kind: 'started'; executionId: string; scheduleName: string; firstGroupStepIds: string[]; cancelledExecutionIds: string[] }
  | { kind: 'waiting'; executionId: string; scheduleName: string; behindExecutionId: string }
  | { kind: 'skipped'; scheduleName: string; reason: string; activeExecutionId: string }
  | { kind: 'not-found' }
  | { kind: 'no-steps'; scheduleName: string };

/**
 * A manual run: creates an execution with a snapshot of the schedule's steps and queues its first group, in the
 * caller's transaction, whether the schedule is enabled or not. While another execution is active the schedule's
 * overlap policy applies (skip, wait, cancel the active one), unless `overlap` overrides it (AllowAll). The schedule
 * row is locked, as for ticks (`startTicks`). The caller enqueues `firstGroupStepIds` after commit.
 */
export async function startExecution(
  tx: EntityManager,
  input: { scheduleId: string; initiator: Initiator; overlap?: OverlapPolicy | null },
): Promise<StartExecutionResult> {
  const [schedule] = await tx.query(
    prepared(`SELECT s.name, s.overlap_policy, (SELECT count(DISTINCT st.step_index) FROM schedule_steps st WHERE st.schedule_id = s.id)::int AS step_groups
     FROM schedules s WHERE s.id = $1 FOR UPDATE`),
    [input.scheduleId],
  );
  if (!schedule) return { kind: 'not-found' };
  if (schedule.step_groups === 0) return { kind: 'no-steps', scheduleName: schedule.name };
  const active = await activeExecutions(tx, input.scheduleId);
  const overlap = decideOverlap(input.overlap ?? schedule.overlap_policy, active);
  if (overlap.action === 'skip') return { kind: 'skipped', scheduleName: schedule.name, reason: overlap.reason, activeExecutionId: overlap.activeExecutionId };
  const cancelled = overlap.action === 'cancel-and-start' ? overlap.cancel : [];
  const executionId = randomUUID();
  for (const id of cancelled) await cancelExecution(tx, id, replacedMessage(executionId));
  const waiting = overlap.action === 'wait';
  const firstGroups = await insertExecutions(
    tx,
    [{ executionId, scheduleId: input.scheduleId, scheduleName: schedule.name, scheduledFor: null, stepGroups: schedule.step_groups, waiting }],
    { trigger: 'Manual', initiator: input.initiator, now: new Date() },
  );
  if (waiting) return { kind: 'waiting', executionId, scheduleName: schedule.name, behindExecutionId: [...active.running, ...active.waiting][0] };
  return { kind: 'started', executionId, scheduleName: schedule.name, firstGroupStepIds: firstGroups.get(executionId) ?? [], cancelledExecutionIds: cancelled };
}

/** Why an execution was cancelled under the overlap policy CancelPrevious. */
export function replacedMessage(executionId: string): string {
  return `Cancelled: execution ${executionId} replaced it (overlap policy CancelPrevious)`;
}

/** A schedule's running and waiting executions, oldest first. */
export async function activeExecutions(tx: EntityManager, scheduleId: string): Promise<{ running: string[]; waiting: string[] }> {
  const rows: { id: string; status: ExecutionStatus }[] = await tx.query(
    prepared(`SELECT id, status FROM schedule_executions WHERE schedule_id = $1 AND status IN ('Queued', 'InProgress') ORDER BY queued_at, id`),
    [scheduleId],
  );
  return { running: rows.filter((r) => r.status === 'InProgress').map((r) => r.id), waiting: rows.filter((r) => r.status === 'Queued').map((r) => r.id) };
}

/**
 * When a schedule has no running execution, its oldest waiting one (BufferOne, BufferAll) starts: InProgress, its
 * first group Queued. Takes the schedule's row lock first, as ticks do, so a tick that buffers and an execution that
 * ends at the same moment cannot leave an execution waiting with nothing running. Returns what to enqueue.
 */
export async function promoteWaiting(tx: EntityManager, scheduleId: string): Promise<{ executionId: string; stepIds: string[] } | null> {
  await tx.query(prepared(`SELECT 1 FROM schedules WHERE id = $1 FOR UPDATE`), [scheduleId]);
  const [next] = await tx.query(
    prepared(`SELECT e.id FROM schedule_executions e
     WHERE e.schedule_id = $1 AND e.status = 'Queued'
       AND NOT EXISTS (SELECT 1 FROM schedule_executions r WHERE r.schedule_id = $1 AND r.status = 'InProgress')
     ORDER BY e.queued_at, e.scheduled_for NULLS LAST, e.id LIMIT 1 FOR UPDATE`),
    [scheduleId],
  );
  if (!next) return null;
  await tx.query(
    prepared(`WITH started AS (UPDATE schedule_executions SET status = 'InProgress', started_at = clock_timestamp(), dispatched_group = 0 WHERE id = $1)
     UPDATE schedules SET last_run_time = clock_timestamp() WHERE id = $2`),
    [next.id, scheduleId],
  );
  const steps = await queryReturning<{ id: string }>(
    tx,
    prepared(`UPDATE schedule_execution_steps SET status = 'Queued' WHERE execution_id = $1 AND group_ordinal = 0 AND status = 'Pending' RETURNING id`),
    [next.id],
  );
  return { executionId: next.id, stepIds: steps.map((r) => r.id) };
}

export interface NewExecution {
  executionId: string;
  scheduleId: string;
  scheduleName: string;
  /** The nominal fire time of a tick; null for a manual run. */
  scheduledFor: Date | null;
  /** How many step groups (distinct step indexes) the schedule has; at least one. */
  stepGroups: number;
  /** Ticks: the schedule's next run time and tick watermark move with the start (see `TickTimes`). */
  times?: TickTimes;
  /** Ticks: the first nominal time this start accounts for (earlier than `scheduledFor` when later ticks superseded it). */
  accountedFrom?: Date;
  /** Inserted Queued, every step Pending: it waits for the schedule's running execution (overlap policy). */
  waiting?: boolean;
  /** The backfill it belongs to. */
  backfillId?: string;
}

export interface TickTimes {
  /** The schedule's next run time, as shown to users. */
  nextRunTime: Date | null;
  /** The trigger's fire time right after the tick: where the tick watermark moves when this tick was the oldest open one. */
  followingTick: Date | null;
}

/**
 * One statement for any number of executions: each InProgress with a snapshot of its schedule's steps (first group
 * Queued, the rest Pending), and each schedule's last run time set. The caller holds the schedules' row locks.
 * Returns the first group's step ids per execution.
 */
export async function insertExecutions(
  tx: EntityManager,
  executions: NewExecution[],
  context: { trigger: ExecutionTrigger; initiator: Initiator; now: Date },
): Promise<Map<string, string[]>> {
  const rows: { execution_id: string; id: string }[] = await tx.query(
    prepared(`WITH x AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::int[], $11::bool[], $12::timestamptz[], $13::timestamptz[],
                            $14::timestamptz[], $15::bool[], $16::uuid[])
         AS x(execution_id, schedule_id, schedule_name, scheduled_for, step_groups, moves_times, next_run_time, following_tick,
              accounted_from, waiting, backfill_id)
     ),
     steps AS (
       SELECT st.*, x.execution_id, cs.name AS connected_system_name, rp.name AS run_profile_name, rp.run_type,
              (dense_rank() OVER (PARTITION BY x.execution_id ORDER BY st.step_index) - 1)::int AS ordinal
       FROM x
       JOIN schedule_steps st ON st.schedule_id = x.schedule_id
       LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
       LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
     ),
     execution AS (
       INSERT INTO schedule_executions
         (id, schedule_id, schedule_name, status, trigger_kind, scheduled_for, current_step_index, total_steps,
          dispatched_group, queued_at, started_at, initiated_by_type, initiated_by_id, initiated_by_name, backfill_id)
       SELECT x.execution_id, x.schedule_id, x.schedule_name, CASE WHEN x.waiting THEN 'Queued' ELSE 'InProgress' END, $6, x.scheduled_for,
              0, x.step_groups, CASE WHEN x.waiting THEN -1 ELSE 0 END, $7, CASE WHEN x.waiting THEN NULL ELSE $7::timestamptz END, $8, $9, $10,
              x.backfill_id
       FROM x
       RETURNING id, status
     ),
     snapshot AS (
       INSERT INTO schedule_execution_steps
         (id, execution_id, step_id, group_ordinal, name, connected_system_name, run_profile_name, run_type,
          ${COPIED_STEP_COLUMNS.join(', ')}, status)
       SELECT gen_random_uuid(), execution.id, s.id, s.ordinal,
              COALESCE(s.name,
                       CASE WHEN s.step_type = 'RunProfile' AND s.connected_system_name IS NOT NULL AND s.run_profile_name IS NOT NULL
                            THEN s.connected_system_name || ' - ' || s.run_profile_name END,
                       'Step ' || (s.step_index + 1)),
              s.connected_system_name, s.run_profile_name, s.run_type,
              ${COPIED_STEP_COLUMNS.map((column) => `s.${column}`).join(', ')},
              CASE WHEN s.ordinal = 0 AND execution.status = 'InProgress' THEN 'Queued' ELSE 'Pending' END
       FROM steps s JOIN execution ON execution.id = s.execution_id
       RETURNING id, execution_id, group_ordinal, step_index, position
     ),
     schedule AS (
       UPDATE schedules SET last_run_time = CASE WHEN x.waiting THEN schedules.last_run_time ELSE $7::timestamptz END,
         next_run_time = CASE WHEN x.moves_times THEN x.next_run_time ELSE schedules.next_run_time END,
         first_unaccounted_tick = CASE WHEN x.moves_times
                                            AND schedules.first_unaccounted_tick BETWEEN COALESCE(x.accounted_from, x.scheduled_for) AND x.scheduled_for
                                       THEN x.following_tick ELSE schedules.first_unaccounted_tick END
       FROM x WHERE schedules.id = x.schedule_id
     )
     SELECT s.execution_id, s.id FROM snapshot s JOIN execution e ON e.id = s.execution_id
     WHERE s.group_ordinal = 0 AND e.status = 'InProgress' ORDER BY s.execution_id, s.step_index, s.position`),
    [
      executions.map((e) => e.executionId),
      executions.map((e) => e.scheduleId),
      executions.map((e) => e.scheduleName),
      executions.map((e) => e.scheduledFor),
      executions.map((e) => e.stepGroups),
      context.trigger,
      context.now,
      context.initiator.type,
      context.initiator.id,
      context.initiator.name,
      executions.map((e) => e.times !== undefined),
      executions.map((e) => e.times?.nextRunTime ?? null),
      executions.map((e) => e.times?.followingTick ?? null),
      executions.map((e) => e.accountedFrom ?? null),
      executions.map((e) => e.waiting ?? false),
      executions.map((e) => e.backfillId ?? null),
    ],
  );
  const firstGroups = new Map<string, string[]>();
  for (const row of rows) {
    const ids = firstGroups.get(row.execution_id);
    if (ids) ids.push(row.id);
    else firstGroups.set(row.execution_id, [row.id]);
  }
  return firstGroups;
}

/**
 * Records the given nominal times of a schedule that have neither an execution nor a skipped run as skipped, with
 * `reason`, and moves its tick watermark to `watermark`. The caller holds the schedule's row lock. Returns how many
 * were recorded.
 */
export async function recordMissedTicks(tx: EntityManager, scheduleId: string, times: Date[], reason: string, watermark: Date | null): Promise<number> {
  const [{ n }] = await tx.query(
    prepared(`WITH recorded AS (
       INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
       SELECT gen_random_uuid(), $1, t, $3, NULL, now() FROM unnest($2::timestamptz[]) AS t
       WHERE NOT EXISTS (SELECT 1 FROM schedule_executions e WHERE e.schedule_id = $1 AND e.scheduled_for = t AND e.backfill_id IS NULL)
       ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
       RETURNING *
     ),
     moved AS (UPDATE schedules SET first_unaccounted_tick = $4 WHERE id = $1),
     notified AS (${skippedRunEventsSql('recorded')})
     SELECT count(*)::int AS n FROM recorded`),
    [scheduleId, times, reason, watermark],
  );
  return n;
}

/** Records one skipped run (and its RunSkipped outbox rows), unless the nominal time is already accounted for. */
export async function recordSkippedRun(
  tx: EntityManager,
  scheduleId: string,
  scheduledFor: Date,
  reason: string,
  activeExecutionId: string | null,
): Promise<void> {
  await tx.query(
    prepared(`WITH skipped AS (
       INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
       VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
       RETURNING *
     )
     ${skippedRunEventsSql('skipped')}`),
    [randomUUID(), scheduleId, scheduledFor, reason, activeExecutionId],
  );
}

/**
 * Cancels an active execution: its status, and every step that has not started. Steps that are running
 * are stopped by the worker running them, which notices the execution's status.
 */
export async function cancelExecution(
  tx: EntityManager,
  executionId: string,
  message: string = CANCELLED_BY_USER,
): Promise<{ ok: true } | { ok: false; status: ExecutionStatus | null }> {
  const [execution] = await tx.query(prepared(`SELECT status FROM schedule_executions WHERE id = $1 FOR UPDATE`), [executionId]);
  if (!execution) return { ok: false, status: null };
  if (!canMoveExecution(execution.status, 'Cancelled')) return { ok: false, status: execution.status };
  await tx.query(
    prepared(`UPDATE schedule_executions SET status = 'Cancelled', completed_at = now(), error_message = $2 WHERE id = $1`),
    [executionId, message],
  );
  await tx.query(
    prepared(`UPDATE schedule_execution_steps SET status = 'Cancelled', completed_at = now(), error_message = $2
     WHERE execution_id = $1 AND status IN ('Pending', 'Queued', 'WaitingForResource')`),
    [executionId, message],
  );
  await recordExecutionEvent(tx, executionId);
  return { ok: true };
}


/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, count]; this always gives the rows. */
export async function queryReturning<T>(manager: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const result = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
