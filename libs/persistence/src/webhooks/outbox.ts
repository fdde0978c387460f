import type { EntityManager } from 'typeorm';
import { prepared } from '../prepared';

// next_attempt_at is kept to the millisecond: a job carries it (as a JavaScript date) to tell which attempt it is.

/** A timestamptz as the API shows instants: ISO 8601 in UTC with milliseconds. */
export function isoSql(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The outbox write: one Pending delivery for every enabled webhook subscribed to each event of `source`, a
 * subquery or CTE with the columns `event_type`, `schedule_id`, `execution_id` and `data` (jsonb). Run in the
 * transaction (or statement) that makes the change the event tells of, so the delivery exists exactly when the
 * change does. With no webhook subscribed it writes nothing.
 */
export function outboxInsertSql(source: string): string {
  return `INSERT INTO webhook_deliveries (id, webhook_id, event_type, schedule_id, execution_id, data, status, next_attempt_at, created_at)
    SELECT gen_random_uuid(), w.id, src.event_type, src.schedule_id, src.execution_id, src.data, 'Pending',
      date_trunc('milliseconds', now()), now()
    FROM ${source} src
    JOIN webhooks w ON w.is_enabled AND src.event_type::varchar = ANY(w.events)
      AND (cardinality(w.schedule_ids) = 0 OR src.schedule_id = ANY(w.schedule_ids))`;
}

/** The outbox write of a RunSkipped event for each skipped run a statement inserted: `skipped` is its CTE (`RETURNING *`). */
export function skippedRunEventsSql(skipped: string): string {
  return outboxInsertSql(
    `(SELECT 'RunSkipped'::varchar AS event_type, k.schedule_id, NULL::uuid AS execution_id,
       jsonb_build_object(
         'schedule', jsonb_build_object('id', s.id, 'name', s.name),
         'skippedRun', jsonb_build_object('scheduledFor', ${isoSql('k.scheduled_for')}, 'reason', k.reason, 'activeExecutionId', k.active_execution_id)
       ) AS data
     FROM ${skipped} k JOIN schedules s ON s.id = k.schedule_id)`,
  );
}

/**
 * Records the event of an execution that has just reached its final state (Complete, Failed or Cancelled), in the
 * transaction that moved it there. Complete is ExecutionCompletedWithWarnings when a step ended with a warning or an
 * error it was allowed to continue after. The execution's summary is read when the delivery is sent.
 */
export async function recordExecutionEvent(tx: Pick<EntityManager, 'query'>, executionId: string): Promise<void> {
  await tx.query(
    prepared(`WITH e AS (SELECT id, schedule_id, schedule_name, status FROM schedule_executions WHERE id = $1)
     ${executionEventSql('e')}`),
    [executionId],
  );
}

/**
 * Moves an InProgress execution to its final state (Complete or Failed, with an error message) and records its
 * event, in one statement.
 */
export async function endExecution(tx: Pick<EntityManager, 'query'>, executionId: string, status: 'Complete' | 'Failed', errorMessage: string | null = null): Promise<void> {
  await tx.query(
    prepared(`WITH e AS (
       UPDATE schedule_executions SET status = $2, completed_at = now(), error_message = COALESCE($3, error_message)
       WHERE id = $1 RETURNING id, schedule_id, schedule_name, status
     )
     ${executionEventSql('e')}`),
    [executionId, status, errorMessage],
  );
}

/** The rest of an execution event's statement, after the CTE `e` (id, schedule_id, schedule_name, status) it is about. */
function executionEventSql(e: string): string {
  return `, src AS (
       SELECT CASE ${e}.status
                WHEN 'Failed' THEN 'ExecutionFailed'
                WHEN 'Cancelled' THEN 'ExecutionCancelled'
                ELSE CASE WHEN EXISTS (SELECT 1 FROM schedule_execution_steps st WHERE st.execution_id = ${e}.id
                                       AND st.status IN ('CompletedWithWarning', 'CompletedWithError', 'Failed'))
                          THEN 'ExecutionCompletedWithWarnings' ELSE 'ExecutionCompleted' END
              END AS event_type,
              ${e}.schedule_id, ${e}.id AS execution_id,
              jsonb_build_object('schedule', jsonb_build_object('id', ${e}.schedule_id, 'name', ${e}.schedule_name)) AS data
       FROM ${e} WHERE ${e}.status IN ('Complete', 'Failed', 'Cancelled')
     )
     ${outboxInsertSql('src')}`;
}

/** Records a ScheduleChanged event in the caller's transaction; `data` is what the payload says of the change. */
export async function recordScheduleChangedEvent(tx: Pick<EntityManager, 'query'>, scheduleId: string, data: Record<string, unknown>): Promise<void> {
  await tx.query(
    outboxInsertSql(`(SELECT 'ScheduleChanged'::varchar AS event_type, $1::uuid AS schedule_id, NULL::uuid AS execution_id, $2::jsonb AS data)`),
    [scheduleId, JSON.stringify(data)],
  );
}

/** The `data` of a ScheduleChanged event. */
export function scheduleChangedData(change: {
  scheduleId: string;
  scheduleName: string;
  operation: string;
  version: number;
  changeReason: string | null;
  initiator: { type: string; id: string | null; name: string | null };
}): Record<string, unknown> {
  return {
    schedule: { id: change.scheduleId, name: change.scheduleName },
    change: {
      operation: change.operation,
      version: change.version,
      changeReason: change.changeReason,
      initiatedBy: { type: change.initiator.type, id: change.initiator.id, name: change.initiator.name },
    },
  };
}
