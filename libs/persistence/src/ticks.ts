import { randomUUID } from 'node:crypto';
import type { FiringFields } from '@jim/trigger';
import type { EntityManager } from 'typeorm';
import { prepared } from './prepared';
import { SCHEDULER_INITIATOR, type OverlapPolicy, type TriggerType } from './entities';
import { cancelExecution, insertExecutions, replacedMessage, type NewExecution, type TickTimes } from './executions';
import { decideOverlap } from './overlap-policy';
import { skippedRunEventsSql } from './webhooks/outbox';

export interface TickRequest {
  scheduleId: string;
  /** The nominal fire time. */
  nominal: Date;
  /**
   * Whether the tick still stands for the schedule as it is now (a reason when it is stale), when it starts (jitter)
   * and for which nominal time (catch-up: the latest one due, the earlier ones recorded as missed), and its times.
   */
  check: (schedule: TickFields) => TickCheck;
}

/** What a tick reads of its schedule. */
export interface TickFields extends FiringFields {
  catchUpWindowSeconds: number | null;
  jitterSeconds: number;
}

export type TickCheck =
  | { stale: string }
  | { deferUntil: Date }
  | { scheduledFor: Date; times: TickTimes; superseded: Date[]; missed: string | null };

export type TickOutcome =
  | { kind: 'no-steps'; scheduleName: string }
  | { kind: 'duplicate'; executionId: string | null }
  | { kind: 'skipped'; reason: string; activeExecutionId: string }
  | { kind: 'stale'; reason: string }
  /** Its jittered start is later: nothing written, the tick comes back then. */
  | { kind: 'deferred'; until: Date }
  /** Recorded as a skipped run: later than the catch-up window. */
  | { kind: 'missed'; reason: string }
  /** Started Queued, behind the active execution (BufferOne, BufferAll). */
  | { kind: 'waiting'; executionId: string; scheduleName: string }
  | { kind: 'started'; executionId: string; scheduleName: string; firstGroupStepIds: string[]; cancelledExecutionIds?: string[] };

export const NO_STEPS_REASON = 'The schedule has no steps';

/** Whether a nominal time of a schedule already has its tick's execution or a skipped run. */
async function accounted(tx: EntityManager, scheduleId: string, nominal: Date): Promise<boolean> {
  const rows: unknown[] = await tx.query(
    prepared(`SELECT 1 FROM schedule_executions WHERE schedule_id = $1 AND scheduled_for = $2 AND backfill_id IS NULL
     UNION ALL SELECT 1 FROM skipped_runs WHERE schedule_id = $1 AND scheduled_for = $2 LIMIT 1`),
    [scheduleId, nominal],
  );
  return rows.length > 0;
}

/** Why a late tick was not run: a later one was due too (see the worker's planTick). */
export function supersededReason(latest: Date): string {
  return `Missed: a later tick (${latest.toISOString()}) was also due; after an outage only the latest late tick runs`;
}

interface TickState {
  i: string;
  id: string;
  name: string;
  is_enabled: boolean;
  trigger_type: TriggerType;
  cron_expression: string | null;
  time_zone: string;
  existing_id: string | null;
  recorded_skipped: boolean;
  running_ids: string[];
  waiting_ids: string[];
  step_groups: number;
  overlap_policy: OverlapPolicy;
  catch_up_window_seconds: number | null;
  jitter_seconds: number;
}

/**
 * Handles cron ticks of distinct schedules in the caller's transaction, in a fixed number of round trips whatever
 * their number: lock the schedules (in id order), read their state, then one statement writes every execution
 * with its step snapshot and every schedule's times; ticks that start nothing (overlap, no steps) take one more.
 * A (schedule, nominal time) that already has an execution or a skipped run is a duplicate and changes nothing.
 * The caller enqueues the started executions' first groups after commit.
 */
export async function startTicks(tx: EntityManager, ticks: TickRequest[], clock: () => Date = () => new Date()): Promise<TickOutcome[]> {
  if (new Set(ticks.map((t) => t.scheduleId)).size !== ticks.length) throw new Error('startTicks takes one tick per schedule');
  const ids = ticks.map((t) => t.scheduleId);
  // Locked first, read after: the read's snapshot then sees whatever the previous holder of a lock committed.
  await tx.query(prepared(`SELECT 1 FROM schedules WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`), [ids]);
  const states: TickState[] = await tx.query(
    prepared(`SELECT t.i, s.id, s.name, s.is_enabled, s.trigger_type, s.cron_expression, s.time_zone,
       s.overlap_policy, s.catch_up_window_seconds, s.jitter_seconds,
       (SELECT e.id FROM schedule_executions e WHERE e.schedule_id = s.id AND e.scheduled_for = t.nominal AND e.backfill_id IS NULL) AS existing_id,
       EXISTS (SELECT 1 FROM skipped_runs r WHERE r.schedule_id = s.id AND r.scheduled_for = t.nominal) AS recorded_skipped,
       ARRAY(SELECT e.id FROM schedule_executions e WHERE e.schedule_id = s.id AND e.status = 'InProgress' ORDER BY e.queued_at, e.id) AS running_ids,
       ARRAY(SELECT e.id FROM schedule_executions e WHERE e.schedule_id = s.id AND e.status = 'Queued' ORDER BY e.queued_at, e.id) AS waiting_ids,
       (SELECT count(DISTINCT st.step_index) FROM schedule_steps st WHERE st.schedule_id = s.id)::int AS step_groups
     FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS t(id, nominal, i)
     JOIN schedules s ON s.id = t.id`),
    [ids, ticks.map((t) => t.nominal)],
  );
  const stateOf = new Map(states.map((s) => [Number(s.i) - 1, s]));

  const outcomes: TickOutcome[] = [];
  const starts: NewExecution[] = [];
  const waits: NewExecution[] = [];
  const cancels: { executionId: string; by: string }[] = [];
  const notStarted: { scheduleId: string; nominal: Date; accountedFrom: Date; times: TickTimes; reason: string; activeId: string | null }[] = [];
  const superseded: { scheduleId: string; nominal: Date; reason: string }[] = [];
  for (const [index, tick] of ticks.entries()) {
    const state = stateOf.get(index);
    if (!state) {
      outcomes.push({ kind: 'stale', reason: 'schedule was deleted' });
      continue;
    }
    if (state.existing_id) {
      outcomes.push({ kind: 'duplicate', executionId: state.existing_id });
      continue;
    }
    // Already recorded as skipped (by the misfire pass, when this tick came later than the grace): it stays so.
    if (state.recorded_skipped) {
      outcomes.push({ kind: 'duplicate', executionId: null });
      continue;
    }
    const decision = tick.check({
      isEnabled: state.is_enabled,
      triggerType: state.trigger_type,
      cronExpression: state.cron_expression,
      timeZone: state.time_zone,
      catchUpWindowSeconds: state.catch_up_window_seconds,
      jitterSeconds: state.jitter_seconds,
    });
    if ('stale' in decision) {
      outcomes.push({ kind: 'stale', reason: decision.stale });
      continue;
    }
    if ('deferUntil' in decision) {
      outcomes.push({ kind: 'deferred', until: decision.deferUntil });
      continue;
    }
    const { scheduledFor, times } = decision;
    if (scheduledFor.getTime() !== tick.nominal.getTime() && (await accounted(tx, tick.scheduleId, scheduledFor))) {
      // The latest tick due was handled already: this late one and those before it are only recorded.
      for (const time of decision.superseded) superseded.push({ scheduleId: tick.scheduleId, nominal: time, reason: supersededReason(scheduledFor) });
      outcomes.push({ kind: 'missed', reason: supersededReason(scheduledFor) });
      continue;
    }
    for (const time of decision.superseded) {
      superseded.push({ scheduleId: tick.scheduleId, nominal: time, reason: decision.missed ?? supersededReason(scheduledFor) });
    }
    const account = (reason: string, activeId: string | null) =>
      notStarted.push({ scheduleId: tick.scheduleId, nominal: scheduledFor, accountedFrom: tick.nominal, times, reason, activeId });
    if (decision.missed) {
      account(decision.missed, null);
      outcomes.push({ kind: 'missed', reason: decision.missed });
      continue;
    }
    const overlap = decideOverlap(state.overlap_policy, { running: state.running_ids, waiting: state.waiting_ids });
    if (overlap.action === 'skip') {
      account(overlap.reason, overlap.activeExecutionId);
      outcomes.push({ kind: 'skipped', reason: overlap.reason, activeExecutionId: overlap.activeExecutionId });
      continue;
    }
    if (state.step_groups === 0) {
      account(NO_STEPS_REASON, null);
      outcomes.push({ kind: 'no-steps', scheduleName: state.name });
      continue;
    }
    const executionId = randomUUID();
    const execution: NewExecution = {
      executionId,
      scheduleId: tick.scheduleId,
      scheduleName: state.name,
      scheduledFor,
      stepGroups: state.step_groups,
      times,
      accountedFrom: tick.nominal,
      waiting: overlap.action === 'wait',
    };
    if (overlap.action === 'wait') {
      waits.push(execution);
      outcomes.push({ kind: 'waiting', executionId, scheduleName: state.name });
      continue;
    }
    starts.push(execution);
    const cancelled = overlap.action === 'cancel-and-start' ? overlap.cancel : undefined;
    if (cancelled) cancels.push(...cancelled.map((id) => ({ executionId: id, by: executionId })));
    outcomes.push({ kind: 'started', executionId, scheduleName: state.name, firstGroupStepIds: [], ...(cancelled ? { cancelledExecutionIds: cancelled } : {}) });
  }

  // CancelPrevious: the active executions end before the new one starts; their running steps are stopped by the
  // workers running them, which watch for cancelled executions.
  for (const { executionId, by } of cancels) await cancelExecution(tx, executionId, replacedMessage(by));
  if (superseded.length > 0) {
    await tx.query(
      prepared(`WITH skipped AS (
         INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
         SELECT gen_random_uuid(), n.schedule_id, n.scheduled_for, n.reason, NULL, now()
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS n(schedule_id, scheduled_for, reason)
         WHERE NOT EXISTS (SELECT 1 FROM schedule_executions e WHERE e.schedule_id = n.schedule_id AND e.scheduled_for = n.scheduled_for AND e.backfill_id IS NULL)
         ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
         RETURNING *
       )
       ${skippedRunEventsSql('skipped')}`),
      [superseded.map((n) => n.scheduleId), superseded.map((n) => n.nominal), superseded.map((n) => n.reason)],
    );
  }
  if (waits.length > 0) await insertExecutions(tx, waits, { trigger: 'Cron', initiator: SCHEDULER_INITIATOR, now: clock() });
  if (starts.length > 0) {
    const firstGroups = await insertExecutions(tx, starts, { trigger: 'Cron', initiator: SCHEDULER_INITIATOR, now: clock() });
    for (const outcome of outcomes) if (outcome.kind === 'started') outcome.firstGroupStepIds = firstGroups.get(outcome.executionId) ?? [];
  }
  if (notStarted.length > 0) {
    // A tick that starts nothing is still accounted for: a skipped run with its reason, and the schedule's times move on.
    await tx.query(
      prepared(`WITH n AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
           AS n(schedule_id, scheduled_for, reason, active_id, next_run_time, following_tick, accounted_from)
       ),
       skipped AS (
         INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
         SELECT gen_random_uuid(), n.schedule_id, n.scheduled_for, n.reason, n.active_id, now() FROM n
         ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
         RETURNING *
       ),
       notified AS (${skippedRunEventsSql('skipped')})
       UPDATE schedules SET next_run_time = n.next_run_time,
         first_unaccounted_tick = CASE WHEN schedules.first_unaccounted_tick BETWEEN n.accounted_from AND n.scheduled_for
                                       THEN n.following_tick ELSE schedules.first_unaccounted_tick END
       FROM n WHERE schedules.id = n.schedule_id`),
      [
        notStarted.map((n) => n.scheduleId),
        notStarted.map((n) => n.nominal),
        notStarted.map((n) => n.reason),
        notStarted.map((n) => n.activeId),
        notStarted.map((n) => n.times.nextRunTime),
        notStarted.map((n) => n.times.followingTick),
        notStarted.map((n) => n.accountedFrom),
      ],
    );
  }
  return outcomes;
}
