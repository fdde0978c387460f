import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ExecutionStatus, Initiator } from '../entities/enums';
import { cancelExecution, insertExecutions, promoteWaiting, queryReturning } from '../executions';
import type { Dispatch } from '../executions/execution.repository';

/** How a backfill runs its executions: one after another (BufferAll), or all at once (AllowAll). */
export type BackfillOverlap = 'BufferAll' | 'AllowAll';

export interface NewBackfill {
  scheduleId: string;
  startTime: Date;
  endTime: Date;
  overlapPolicy: BackfillOverlap;
  /** The nominal fire times in [startTime, endTime), ascending. */
  times: Date[];
  initiator: Initiator;
}

export type CreateBackfillOutcome =
  | { kind: 'created'; backfillId: string; dispatches: Dispatch[] }
  | { kind: 'not-found' }
  | { kind: 'no-steps'; scheduleName: string };

export interface BackfillProgress {
  id: string;
  scheduleId: string | null;
  startTime: Date;
  endTime: Date;
  overlapPolicy: BackfillOverlap;
  total: number;
  created: Date;
  cancelledAt: Date | null;
  counts: Record<ExecutionStatus, number>;
  executions: { id: string; scheduledFor: Date; status: ExecutionStatus }[];
}

export type CancelBackfillOutcome = { kind: 'cancelled'; cancelled: number; dispatches: Dispatch[] } | { kind: 'not-found' } | { kind: 'finished' };

/** Every statement on `backfills`, and the executions it creates and cancels. */
export class BackfillRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The backfill and one execution per nominal time, in one transaction under the schedule's row lock. One after
   * another: every execution waits (Queued) and they start in nominal-time order as the ones before end, after the
   * schedule's own active executions; all at once: every one starts now.
   */
  create(input: NewBackfill): Promise<CreateBackfillOutcome> {
    return this.db.transaction(async (tx) => {
      const [schedule] = await tx.query(
        `SELECT s.name, (SELECT count(DISTINCT st.step_index) FROM schedule_steps st WHERE st.schedule_id = s.id)::int AS step_groups
         FROM schedules s WHERE s.id = $1 FOR UPDATE`,
        [input.scheduleId],
      );
      if (!schedule) return { kind: 'not-found' };
      if (schedule.step_groups === 0) return { kind: 'no-steps', scheduleName: schedule.name };
      const backfillId = randomUUID();
      const now = new Date();
      await tx.query(
        `INSERT INTO backfills (id, schedule_id, start_time, end_time, overlap_policy, total, created, initiated_by_type, initiated_by_id, initiated_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [backfillId, input.scheduleId, input.startTime, input.endTime, input.overlapPolicy, input.times.length, now, input.initiator.type, input.initiator.id, input.initiator.name],
      );
      const waiting = input.overlapPolicy === 'BufferAll';
      const firstGroups = await insertExecutions(
        tx,
        input.times.map((scheduledFor) => ({
          executionId: randomUUID(),
          scheduleId: input.scheduleId,
          scheduleName: schedule.name,
          scheduledFor,
          stepGroups: schedule.step_groups,
          waiting,
          backfillId,
        })),
        { trigger: 'Backfill', initiator: input.initiator, now },
      );
      const dispatches: Dispatch[] = [...firstGroups].map(([executionId, stepIds]) => ({ executionId, stepIds }));
      if (waiting) {
        const first = await promoteWaiting(tx, input.scheduleId);
        if (first) dispatches.push(first);
      }
      return { kind: 'created', backfillId, dispatches };
    });
  }

  async progress(scheduleId: string, backfillId: string): Promise<BackfillProgress | null> {
    const [row] = await this.db.query(`SELECT * FROM backfills WHERE id = $1 AND schedule_id = $2`, [backfillId, scheduleId]);
    if (!row) return null;
    const executions: { id: string; scheduled_for: Date; status: ExecutionStatus }[] = await this.db.query(
      `SELECT id, scheduled_for, status FROM schedule_executions WHERE backfill_id = $1 ORDER BY scheduled_for`,
      [backfillId],
    );
    const counts: Record<ExecutionStatus, number> = { Queued: 0, InProgress: 0, Complete: 0, Failed: 0, Cancelled: 0 };
    for (const e of executions) counts[e.status]++;
    return {
      id: row.id,
      scheduleId: row.schedule_id,
      startTime: row.start_time,
      endTime: row.end_time,
      overlapPolicy: row.overlap_policy,
      total: row.total,
      created: row.created,
      cancelledAt: row.cancelled_at,
      counts,
      executions: executions.map((e) => ({ id: e.id, scheduledFor: e.scheduled_for, status: e.status })),
    };
  }

  /**
   * Stops the rest: every execution of the backfill that has not started is cancelled; those running finish. Then
   * the schedule's next waiting execution, if any, may start.
   */
  cancel(scheduleId: string, backfillId: string): Promise<CancelBackfillOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query(`SELECT id FROM backfills WHERE id = $1 AND schedule_id = $2 FOR UPDATE`, [backfillId, scheduleId]);
      if (!row) return { kind: 'not-found' };
      const waiting = await queryReturning<{ id: string }>(
        tx,
        `SELECT id FROM schedule_executions WHERE backfill_id = $1 AND status = 'Queued' ORDER BY scheduled_for`,
        [backfillId],
      );
      const [{ active }] = await tx.query(`SELECT count(*)::int AS active FROM schedule_executions WHERE backfill_id = $1 AND status IN ('Queued', 'InProgress')`, [
        backfillId,
      ]);
      if (active === 0) return { kind: 'finished' };
      for (const { id } of waiting) await cancelExecution(tx, id);
      await tx.query(`UPDATE backfills SET cancelled_at = now() WHERE id = $1`, [backfillId]);
      const next = await promoteWaiting(tx, scheduleId);
      return { kind: 'cancelled', cancelled: waiting.length, dispatches: next ? [next] : [] };
    });
  }
}
