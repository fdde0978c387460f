import { randomUUID } from 'node:crypto';
import type { FiringFields } from '@jim/trigger';
import type { EntityManager } from 'typeorm';
import { SCHEDULER_INITIATOR, type TriggerType } from './entities';
import { insertExecutions, type NewExecution, type TickTimes } from './executions';
import { skippedRunEventsSql } from './webhooks/outbox';

export interface TickRequest {
  scheduleId: string;
  /** The nominal fire time. */
  nominal: Date;
  /** Whether the tick still stands for the schedule as it is now (a reason when it is stale), and its times. */
  check: (schedule: FiringFields) => { stale: string } | TickTimes;
}

export type TickOutcome =
  | { kind: 'started'; executionId: string; scheduleName: string; firstGroupStepIds: string[] }
  | { kind: 'no-steps'; scheduleName: string }
  | { kind: 'duplicate'; executionId: string | null }
  | { kind: 'skipped'; reason: string; activeExecutionId: string }
  | { kind: 'stale'; reason: string };

export const NO_STEPS_REASON = 'The schedule has no steps';

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
  active_id: string | null;
  active_status: string | null;
  step_groups: number;
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
  await tx.query(`SELECT 1 FROM schedules WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  const states: TickState[] = await tx.query(
    `SELECT t.i, s.id, s.name, s.is_enabled, s.trigger_type, s.cron_expression, s.time_zone,
       (SELECT e.id FROM schedule_executions e WHERE e.schedule_id = s.id AND e.scheduled_for = t.nominal) AS existing_id,
       EXISTS (SELECT 1 FROM skipped_runs r WHERE r.schedule_id = s.id AND r.scheduled_for = t.nominal) AS recorded_skipped,
       a.id AS active_id, a.status AS active_status,
       (SELECT count(DISTINCT st.step_index) FROM schedule_steps st WHERE st.schedule_id = s.id)::int AS step_groups
     FROM unnest($1::uuid[], $2::timestamptz[]) WITH ORDINALITY AS t(id, nominal, i)
     JOIN schedules s ON s.id = t.id
     LEFT JOIN LATERAL (
       SELECT e.id, e.status FROM schedule_executions e
       WHERE e.schedule_id = s.id AND e.status IN ('Queued', 'InProgress') ORDER BY e.queued_at LIMIT 1
     ) a ON true`,
    [ids, ticks.map((t) => t.nominal)],
  );
  const stateOf = new Map(states.map((s) => [Number(s.i) - 1, s]));

  const outcomes: TickOutcome[] = [];
  const starts: NewExecution[] = [];
  const notStarted: { scheduleId: string; nominal: Date; times: TickTimes; reason: string; activeId: string | null }[] = [];
  ticks.forEach((tick, index) => {
    const state = stateOf.get(index);
    if (!state) return void outcomes.push({ kind: 'stale', reason: 'schedule was deleted' });
    if (state.existing_id) return void outcomes.push({ kind: 'duplicate', executionId: state.existing_id });
    // Already recorded as skipped (by the misfire pass, when this tick came later than the grace): it stays so.
    if (state.recorded_skipped) return void outcomes.push({ kind: 'duplicate', executionId: null });
    const decision = tick.check({ isEnabled: state.is_enabled, triggerType: state.trigger_type, cronExpression: state.cron_expression, timeZone: state.time_zone });
    if ('stale' in decision) return void outcomes.push({ kind: 'stale', reason: decision.stale });
    if (state.active_id) {
      const reason = `Execution ${state.active_id} was still ${state.active_status === 'Queued' ? 'queued' : 'in progress'}`;
      notStarted.push({ scheduleId: tick.scheduleId, nominal: tick.nominal, times: decision, reason, activeId: state.active_id });
      return void outcomes.push({ kind: 'skipped', reason, activeExecutionId: state.active_id });
    }
    if (state.step_groups === 0) {
      notStarted.push({ scheduleId: tick.scheduleId, nominal: tick.nominal, times: decision, reason: NO_STEPS_REASON, activeId: null });
      return void outcomes.push({ kind: 'no-steps', scheduleName: state.name });
    }
    const executionId = randomUUID();
    starts.push({ executionId, scheduleId: tick.scheduleId, scheduleName: state.name, scheduledFor: tick.nominal, stepGroups: state.step_groups, times: decision });
    outcomes.push({ kind: 'started', executionId, scheduleName: state.name, firstGroupStepIds: [] });
  });

  if (starts.length > 0) {
    const firstGroups = await insertExecutions(tx, starts, { trigger: 'Cron', initiator: SCHEDULER_INITIATOR, now: clock() });
    for (const outcome of outcomes) if (outcome.kind === 'started') outcome.firstGroupStepIds = firstGroups.get(outcome.executionId) ?? [];
  }
  if (notStarted.length > 0) {
    // A tick that starts nothing is still accounted for: a skipped run with its reason, and the schedule's times move on.
    await tx.query(
      `WITH n AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::uuid[], $5::timestamptz[], $6::timestamptz[])
           AS n(schedule_id, scheduled_for, reason, active_id, next_run_time, following_tick)
       ),
       skipped AS (
         INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at)
         SELECT gen_random_uuid(), n.schedule_id, n.scheduled_for, n.reason, n.active_id, now() FROM n
         ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
         RETURNING *
       ),
       notified AS (${skippedRunEventsSql('skipped')})
       UPDATE schedules SET next_run_time = n.next_run_time,
         first_unaccounted_tick = CASE WHEN schedules.first_unaccounted_tick = n.scheduled_for
                                       THEN n.following_tick ELSE schedules.first_unaccounted_tick END
       FROM n WHERE schedules.id = n.schedule_id`,
      [
        notStarted.map((n) => n.scheduleId),
        notStarted.map((n) => n.nominal),
        notStarted.map((n) => n.reason),
        notStarted.map((n) => n.activeId),
        notStarted.map((n) => n.times.nextRunTime),
        notStarted.map((n) => n.times.followingTick),
      ],
    );
  }
  return outcomes;
}
