import type { DispatchState, StepResult, StepSpec } from '@jim/steps';
import type { DataSource, EntityManager } from 'typeorm';
import { prepared } from '../prepared';
import { FAILED_STEP_STATUSES, SETTLED_STEP_STATUSES, type ExecutionStatus, type Initiator, type StepStatus } from '../entities/enums';
import { CANCELLED_BY_USER, cancelExecution, NOT_RUN_MESSAGE, promoteWaiting, queryReturning, startExecution, type StartExecutionResult } from '../executions';
import type { OverlapPolicy } from '../entities/enums';
import { StepDefinitionColumns } from '../entities/step-definition.columns';
import { fieldMap, fromRow } from '../field-map';
import type { SecretCipher } from '../secret-cipher';
import { startTicks, type TickOutcome, type TickRequest } from '../ticks';
import { finishAttempt } from './step-attempts';
import { handOn, lockHeldSystem } from './connected-system-holds';
import { endExecution } from '../webhooks/outbox';

export interface ClaimedStep {
  spec: StepSpec;
  scheduleId: string | null;
  executionId: string;
  timeoutSeconds: number | null;
  /** Values to redact from anything the step prints. */
  secrets: string[];
  /** What an earlier run of this step sent to JIM, if anything. */
  dispatchState: DispatchState | null;
}

/** The latest news of a JIM activity followed by a step, as stored on the step's row. */
export interface ActivityNewsRow {
  activityId: string;
  status: string | null;
  message: string | null;
  progress: Record<string, unknown> | null;
}

export type ClaimOutcome = { kind: 'claimed'; step: ClaimedStep } | { kind: 'skip'; reason: string };

/** What to enqueue after a transaction commits: queued steps of one execution. */
export interface Dispatch {
  executionId: string;
  stepIds: string[];
  /** Steps handed back to the queue to be resumed: their earlier job exists, so they need a new one. */
  resume?: boolean;
  /** A retry: the attempt to run and how long until it falls due. */
  retry?: { attempt: number; delayMs: number };
  /** Steps handed their connected system from its line: their jobs skip entering it. */
  granted?: boolean;
}

/** What ending a step leaves to enqueue: its execution's next group (or its retry), and the step handed its connected system. */
export interface StepEnd {
  next: Dispatch | null;
  handedOn: Dispatch | null;
}

export type CancelOutcome =
  | { kind: 'cancelled'; queuedStepIds: string[] }
  | { kind: 'not-found' }
  | { kind: 'not-active'; status: ExecutionStatus };

interface LockedExecution {
  status: string;
  current_step_index: number;
  total_steps: number;
}

async function lockExecution(tx: EntityManager, executionId: string): Promise<LockedExecution | undefined> {
  const [execution] = await tx.query(
    prepared(`SELECT status, current_step_index, total_steps FROM schedule_executions WHERE id = $1 FOR UPDATE`),
    [executionId],
  );
  return execution;
}

/** A step of the execution's current group, as settle decides on it. */
interface GroupStep {
  id: string;
  name: string;
  status: StepStatus;
  continue_on_failure: boolean;
}

/** A step's definition as its snapshot holds it: what a claimed step's spec is read from. */
const DEFINITION_FIELDS = fieldMap<StepDefinitionColumns, keyof StepDefinitionColumns>(StepDefinitionColumns);
export const ORPHANED_WAITING_MESSAGE = 'Not run: its schedule was deleted while it waited for its turn';

export const WORKER_LOST_MESSAGE = 'Worker lost: the worker running this step stopped responding';

/**
 * Every statement on `schedule_executions`, `schedule_execution_steps` and `skipped_runs` that changes them: the
 * execution state machine (see execution-transitions.ts), as named transitions. Every decision is taken in a
 * transaction holding the execution's row lock, so two workers finishing sibling steps at once advance the execution
 * exactly once.
 */
export class ExecutionRepository {
  constructor(
    private readonly db: DataSource,
    private readonly cipher: SecretCipher,
  ) {}

  /** A manual run: → InProgress, its first group Queued, or Queued behind the active one (see `startExecution`). */
  start(input: { scheduleId: string; initiator: Initiator; overlap?: OverlapPolicy | null }): Promise<StartExecutionResult> {
    return this.db.transaction((tx) => startExecution(tx, input));
  }

  /** Cron ticks, in one transaction: each starts an execution, is skipped, or is stale (see `startTicks`). */
  startTicks(requests: TickRequest[]): Promise<TickOutcome[]> {
    return this.db.transaction((tx) => startTicks(tx, requests));
  }

  /** Active → Cancelled, with every step not started; returns the steps that were Queued (their jobs can go). */
  cancel(executionId: string): Promise<CancelOutcome> {
    return this.db.transaction(async (tx) => {
      // Lock the execution before reading its steps, in the same order as the cancellation itself.
      const [execution] = await tx.query(prepared(`SELECT id FROM schedule_executions WHERE id = $1 FOR UPDATE`), [executionId]);
      if (!execution) return { kind: 'not-found' };
      const queued: { id: string }[] = await tx.query(
        prepared(`SELECT id FROM schedule_execution_steps WHERE execution_id = $1 AND status = 'Queued'`),
        [executionId],
      );
      const outcome = await cancelExecution(tx, executionId);
      if (!outcome.ok) return outcome.status === null ? { kind: 'not-found' } : { kind: 'not-active', status: outcome.status };
      return { kind: 'cancelled', queuedStepIds: queued.map((row) => row.id) };
    });
  }

  /**
   * After an execution of the schedule has ended (or may have): its oldest waiting execution starts when none runs
   * (see `promoteWaiting`). Returns the first group to enqueue, if one started.
   */
  async promoteWaiting(scheduleId: string): Promise<Dispatch | null> {
    const [waiting] = await this.db.query(prepared(`SELECT 1 FROM schedule_executions WHERE schedule_id = $1 AND status = 'Queued' LIMIT 1`), [scheduleId]);
    if (!waiting) return null;
    return this.db.transaction((tx) => promoteWaiting(tx, scheduleId));
  }

  /** The same, for an execution's schedule. */
  async promoteAfter(executionId: string): Promise<Dispatch | null> {
    const [row] = await this.db.query(prepared(`SELECT schedule_id FROM schedule_executions WHERE id = $1`), [executionId]);
    return row?.schedule_id ? this.promoteWaiting(row.schedule_id) : null;
  }

  /**
   * Repair: waiting executions of schedules that have none running (their promotion was lost to a crash) start;
   * those whose schedule was deleted while they waited are cancelled.
   */
  async promoteStranded(): Promise<Dispatch[]> {
    await this.db.transaction(async (tx) => {
      const orphans = await queryReturning<{ id: string }>(
        tx,
        prepared(`UPDATE schedule_executions SET status = 'Cancelled', completed_at = now(), error_message = $1
         WHERE status = 'Queued' AND schedule_id IS NULL RETURNING id`),
        [ORPHANED_WAITING_MESSAGE],
      );
      if (orphans.length > 0) {
        await tx.query(
          prepared(`UPDATE schedule_execution_steps SET status = 'Cancelled', completed_at = now(), error_message = $2
           WHERE execution_id = ANY($1::uuid[]) AND status IN ('Pending', 'Queued')`),
          [orphans.map((o) => o.id), ORPHANED_WAITING_MESSAGE],
        );
      }
    });
    const schedules: { schedule_id: string }[] = await this.db.query(
      prepared(`SELECT DISTINCT e.schedule_id FROM schedule_executions e
       WHERE e.status = 'Queued' AND e.schedule_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM schedule_executions r WHERE r.schedule_id = e.schedule_id AND r.status = 'InProgress')
       LIMIT 1000`),
    );
    const dispatches: Dispatch[] = [];
    for (const { schedule_id } of schedules) {
      const dispatch = await this.db.transaction((tx) => promoteWaiting(tx, schedule_id));
      if (dispatch) dispatches.push(dispatch);
    }
    return dispatches;
  }

  /**
   * Queued → Processing, once. A step that is not Queued (already run, cancelled, lost) is never started again; a
   * retry's job claims only its own attempt.
   */
  async claimStep(executionStepId: string, workerId: string, attempt?: number): Promise<ClaimOutcome> {
    // One atomic statement: the row lock on the step serialises it against cancellation and duplicate jobs.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw row of two joined tables
    const [row] = await queryReturning<Record<string, any>>(
      this.db,
      `UPDATE schedule_execution_steps s
       SET status = 'Processing', started_at = clock_timestamp(), heartbeat_at = clock_timestamp(), worker_id = $2, next_attempt_at = NULL
       FROM schedule_executions e
       WHERE s.id = $1 AND e.id = s.execution_id AND s.status = 'Queued' AND e.status = 'InProgress' AND ($3::int IS NULL OR s.attempt = $3)
       RETURNING s.*, e.schedule_id`,
      [executionStepId, workerId, attempt ?? null],
    );
    if (!row) return { kind: 'skip', reason: await this.whyNotClaimable(executionStepId) };
    const connectionString = row.sql_connection_string ? this.cipher.decrypt(row.sql_connection_string) : null;
    return {
      kind: 'claimed',
      step: {
        executionId: row.execution_id,
        scheduleId: row.schedule_id,
        timeoutSeconds: row.timeout_seconds,
        secrets: connectionString ? [connectionString] : [],
        dispatchState: row.dispatched_at
          ? { dispatchedAt: new Date(row.dispatched_at), activityId: row.activity_id, taskId: row.task_id }
          : null,
        spec: {
          ...fromRow<StepDefinitionColumns>(DEFINITION_FIELDS, row),
          stepId: row.step_id,
          stepIndex: row.step_index,
          name: row.name,
          connectedSystemName: row.connected_system_name,
          runProfileName: row.run_profile_name,
          runType: row.run_type,
          sqlConnectionString: connectionString,
        },
      },
    };
  }

  private async whyNotClaimable(executionStepId: string): Promise<string> {
    const [row] = await this.db.query(
      prepared(`SELECT s.status, e.status AS execution_status FROM schedule_execution_steps s
       JOIN schedule_executions e ON e.id = s.execution_id WHERE s.id = $1`),
      [executionStepId],
    );
    if (!row) return 'step no longer exists';
    return row.execution_status !== 'InProgress' ? `execution is ${row.execution_status}` : `step is ${row.status}`;
  }

  /**
   * Stores a step's attempt; queues its next attempt if its retry policy allows, or stores its result and advances its
   * execution. Returns what to enqueue: the retry, the next group, or nothing.
   */
  async completeStep(executionStepId: string, executionId: string, result: StepResult, options: { timedOut?: boolean; stepType?: string } = {}): Promise<Dispatch | null> {
    return (await this.completeStepHandingOn(executionStepId, executionId, result, options)).next;
  }

  /**
   * The same, and in the same transaction the step leaves its connected system's line if it no longer needs the
   * system, which is granted to the next waiter: the grant commits with the step's end. Returns the next group (or
   * retry) and the woken waiter, both to enqueue once this has returned.
   */
  async completeStepHandingOn(
    executionStepId: string,
    executionId: string,
    result: StepResult,
    options: { timedOut?: boolean; stepType?: string } = {},
  ): Promise<StepEnd> {
    return this.db.transaction(async (tx) => {
      const execution = await lockExecution(tx, executionId);
      // Only RunProfile steps enter a connected system's line: the others have no hold to look up.
      const systemId = options.stepType === undefined || options.stepType === 'RunProfile' ? await lockHeldSystem(tx, executionStepId) : null;
      const handedOn = async () => (systemId === null ? null : handOn(tx, executionStepId, systemId));
      const outcome = options.timedOut ? 'TimedOut' : result.outcome;
      const retry = await finishAttempt(tx, executionStepId, outcome, result, execution?.status === 'InProgress');
      if (retry) return { next: { executionId, stepIds: [executionStepId], retry }, handedOn: await handedOn() };
      // The step's end, and its group as it stands after it (what settle decides on), in one statement.
      const group: GroupStep[] = await tx.query(
        prepared(`WITH done AS (
           UPDATE schedule_execution_steps
           SET status = $2, completed_at = clock_timestamp(), exit_code = $3, stdout_tail = $4, stderr_tail = $5, error_message = $6
           WHERE id = $1 AND status = 'Processing' RETURNING id, status
         )
         SELECT s.id, s.name, COALESCE(d.status, s.status) AS status, s.continue_on_failure
         FROM schedule_execution_steps s LEFT JOIN done d ON d.id = s.id
         WHERE s.execution_id = $7 AND s.group_ordinal = $8 ORDER BY s.position`),
        [executionStepId, result.outcome, result.exitCode, result.stdoutTail, result.stderrTail, result.errorMessage, executionId, execution?.current_step_index ?? -1],
      );
      // Handing on changes only a waiting step's status (WaitingForResource → Queued), neither of them settled: the
      // group read above still decides.
      const woken = await handedOn();
      return { next: await this.settle(tx, executionId, execution, group), handedOn: woken };
    });
  }

  /**
   * Steps whose worker stopped proving it is alive: a RunProfile step already sent to JIM goes back to the queue, to
   * be resumed (its activity followed, never sent again); any other is failed and its execution advanced.
   */
  async failLost(lostAfterSeconds: number): Promise<Dispatch[]> {
    const resumed = await queryReturning<{ id: string; execution_id: string }>(
      this.db,
      prepared(`UPDATE schedule_execution_steps s SET status = 'Queued', worker_id = NULL, heartbeat_at = now()
       FROM schedule_executions e
       WHERE e.id = s.execution_id AND e.status = 'InProgress' AND s.status = 'Processing' AND s.dispatched_at IS NOT NULL
         AND s.heartbeat_at < now() - make_interval(secs => $1)
       RETURNING s.id, s.execution_id`),
      [lostAfterSeconds],
    );
    const dispatches: Dispatch[] = resumed.map((r) => ({ executionId: r.execution_id, stepIds: [r.id], resume: true }));
    const lost: { id: string; execution_id: string }[] = await this.db.query(
      prepared(`SELECT id, execution_id FROM schedule_execution_steps
       WHERE status = 'Processing' AND heartbeat_at < now() - make_interval(secs => $1) LIMIT 500`),
      [lostAfterSeconds],
    );
    for (const step of lost) {
      const dispatch = await this.db.transaction(async (tx) => {
        const execution = await lockExecution(tx, step.execution_id);
        const [stillLost] = await tx.query(
          prepared(`SELECT id FROM schedule_execution_steps WHERE id = $1 AND status = 'Processing' AND heartbeat_at < now() - make_interval(secs => $2)`),
          [step.id, lostAfterSeconds],
        );
        if (!stillLost) return null;
        const lostResult = { exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: WORKER_LOST_MESSAGE };
        const retry = await finishAttempt(tx, step.id, 'Failed', lostResult, execution?.status === 'InProgress');
        if (retry) return { executionId: step.execution_id, stepIds: [step.id], retry };
        const updated = await queryReturning(
          tx,
          prepared(`UPDATE schedule_execution_steps SET status = 'Failed', completed_at = now(), error_message = $3
           WHERE id = $1 AND status = 'Processing' AND heartbeat_at < now() - make_interval(secs => $2) RETURNING id`),
          [step.id, lostAfterSeconds, WORKER_LOST_MESSAGE],
        );
        return updated.length === 0 ? null : this.settle(tx, step.execution_id, execution);
      });
      if (dispatch) dispatches.push(dispatch);
    }
    return dispatches;
  }

  /** Hands a step whose run goes on in JIM back to the queue, to be resumed by another worker. */
  async releaseStep(executionStepId: string, executionId: string): Promise<Dispatch | null> {
    const rows = await queryReturning<{ id: string }>(
      this.db,
      prepared(`UPDATE schedule_execution_steps SET status = 'Queued', worker_id = NULL, heartbeat_at = now()
       WHERE id = $1 AND status = 'Processing' AND dispatched_at IS NOT NULL RETURNING id`),
      [executionStepId],
    );
    return rows.length ? { executionId, stepIds: [executionStepId], resume: true } : null;
  }

  /** Stores what a RunProfile step sent to JIM (and JIM's answer), before the step waits on it. */
  async recordDispatch(executionStepId: string, state: DispatchState): Promise<void> {
    await this.db.query(
      prepared(`UPDATE schedule_execution_steps SET dispatched_at = $2, activity_id = $3, task_id = $4,
         activity_status = CASE WHEN $3::varchar IS NULL THEN NULL ELSE COALESCE(activity_status, 'InProgress') END
       WHERE id = $1 AND status = 'Processing'`),
      [executionStepId, state.dispatchedAt, state.activityId, state.taskId],
    );
  }

  /** Steps that follow a JIM activity not known to have ended: running ones, and ended ones still holding their connected system. */
  async followedActivities(manager: Pick<EntityManager, 'query'> = this.db.manager): Promise<{ activityId: string; taskId: string | null }[]> {
    const rows: { activity_id: string; task_id: string | null }[] = await manager.query(
      prepared(`SELECT DISTINCT activity_id, task_id FROM schedule_execution_steps s
       WHERE activity_id IS NOT NULL
         AND (status = 'Processing' OR EXISTS (SELECT 1 FROM connected_system_holds h WHERE h.execution_step_id = s.id))
         AND (activity_status IS NULL OR activity_status IN ('InProgress', 'NotSet'))`),
    );
    return rows.map((r) => ({ activityId: r.activity_id, taskId: r.task_id }));
  }

  /**
   * Writes the news of JIM activities to the steps that follow them. Rows locked at that moment (a step being
   * recorded under its execution's lock) are skipped rather than waited for: the writer never blocks step completion,
   * and a skipped step gets the news on the next poll.
   */
  async writeActivityNews(news: ActivityNewsRow[], manager: Pick<EntityManager, 'query'> = this.db.manager): Promise<void> {
    if (news.length === 0) return;
    await manager.query(
      prepared(`WITH n AS (SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::jsonb[]) AS n(activity_id, status, message, progress)),
       target AS (
         SELECT s.id, n.status, n.message, n.progress FROM schedule_execution_steps s JOIN n ON n.activity_id = s.activity_id
         WHERE (s.status = 'Processing' OR EXISTS (SELECT 1 FROM connected_system_holds h WHERE h.execution_step_id = s.id))
         FOR UPDATE OF s SKIP LOCKED
       )
       UPDATE schedule_execution_steps s SET activity_status = t.status, activity_message = t.message, progress = t.progress
       FROM target t WHERE s.id = t.id`),
      [news.map((n) => n.activityId), news.map((n) => n.status), news.map((n) => n.message), news.map((n) => (n.progress ? JSON.stringify(n.progress) : null))],
    );
  }

  /** The stored news of these activities. */
  async readActivityNews(activityIds: string[]): Promise<ActivityNewsRow[]> {
    if (activityIds.length === 0) return [];
    const rows: { activity_id: string; activity_status: string | null; activity_message: string | null; progress: Record<string, unknown> | null }[] =
      await this.db.query(
        prepared(`SELECT DISTINCT ON (activity_id) activity_id, activity_status, activity_message, progress FROM schedule_execution_steps
         WHERE activity_id = ANY($1::varchar[]) ORDER BY activity_id, started_at DESC`),
        [activityIds],
      );
    return rows.map((r) => ({ activityId: r.activity_id, status: r.activity_status, message: r.activity_message, progress: r.progress }));
  }

  /** Queued steps of live executions with no progress for a while: their job may never have been enqueued. */
  async queuedStepsOlderThan(seconds: number): Promise<Dispatch[]> {
    const rows: { execution_id: string; attempt: number; held: boolean; ids: string[] }[] = await this.db.query(
      prepared(`SELECT s.execution_id, s.attempt, h.execution_step_id IS NOT NULL AS held, array_agg(s.id) AS ids
       FROM schedule_execution_steps s JOIN schedule_executions e ON e.id = s.execution_id
       LEFT JOIN connected_system_holds h ON h.execution_step_id = s.id
       WHERE s.status = 'Queued' AND e.status = 'InProgress'
         AND COALESCE(s.heartbeat_at, e.started_at, e.queued_at) < now() - make_interval(secs => $1)
       GROUP BY s.execution_id, s.attempt, h.execution_step_id IS NOT NULL LIMIT 1000`),
      [seconds],
    );
    // A retry's heartbeat is its due time, so it counts as stranded only that long after it fell due.
    // A step handed its connected system has had a job already (it found the system busy), so it needs a new one.
    return rows.map((r) => ({
      executionId: r.execution_id,
      stepIds: r.ids,
      ...(r.held ? { resume: true } : r.attempt > 1 ? { retry: { attempt: r.attempt, delayMs: 0 } } : {}),
    }));
  }

  async heartbeat(executionStepIds: string[]): Promise<void> {
    if (executionStepIds.length === 0) return;
    await this.db.query(prepared(`UPDATE schedule_execution_steps SET heartbeat_at = now() WHERE id = ANY($1::uuid[]) AND status = 'Processing'`), [
      executionStepIds,
    ]);
  }

  /** Which of these running steps belong to executions that were cancelled. */
  async cancelledAmong(executionStepIds: string[]): Promise<string[]> {
    if (executionStepIds.length === 0) return [];
    const rows: { id: string }[] = await this.db.query(
      prepared(`SELECT s.id FROM schedule_execution_steps s JOIN schedule_executions e ON e.id = s.execution_id
       WHERE s.id = ANY($1::uuid[]) AND e.status = 'Cancelled'`),
      [executionStepIds],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Records a stopped step of a cancelled execution (the execution itself is already Cancelled); in the same
   * transaction its connected system is handed to the next waiter, returned to enqueue.
   */
  async cancelStep(executionStepId: string, result: StepResult): Promise<Dispatch | null> {
    return this.db.transaction(async (tx) => {
      const systemId = await lockHeldSystem(tx, executionStepId);
      await finishAttempt(tx, executionStepId, 'Cancelled', { ...result, errorMessage: result.errorMessage ?? CANCELLED_BY_USER }, false);
      await tx.query(
        prepared(`UPDATE schedule_execution_steps
         SET status = 'Cancelled', completed_at = now(), exit_code = $2, stdout_tail = $3, stderr_tail = $4, error_message = $5
         WHERE id = $1 AND status = 'Processing'`),
        [executionStepId, result.exitCode, result.stdoutTail, result.stderrTail, result.errorMessage ?? CANCELLED_BY_USER],
      );
      return systemId === null ? null : handOn(tx, executionStepId, systemId);
    });
  }

  /**
   * The decision after a step settles, under the execution's row lock: wait for siblings, fail, complete,
   * or queue the next group.
   */
  private async settle(tx: EntityManager, executionId: string, execution: LockedExecution | undefined, read?: GroupStep[]): Promise<Dispatch | null> {
    if (!execution || execution.status !== 'InProgress') return null;
    const group: GroupStep[] =
      read ??
      (await tx.query(
        prepared(`SELECT id, name, status, continue_on_failure FROM schedule_execution_steps
         WHERE execution_id = $1 AND group_ordinal = $2 ORDER BY position`),
        [executionId, execution.current_step_index],
      ));
    if (group.some((s) => !SETTLED_STEP_STATUSES.includes(s.status))) return null;

    const blocking = group.filter((s) => FAILED_STEP_STATUSES.includes(s.status) && !s.continue_on_failure);
    if (blocking.length > 0) {
      const names = blocking.map((s) => s.name).join("', '");
      await tx.query(
        prepared(`UPDATE schedule_execution_steps SET status = 'Cancelled', error_message = $2
         WHERE execution_id = $1 AND status IN ('Pending', 'Queued')`),
        [executionId, NOT_RUN_MESSAGE],
      );
      await endExecution(tx, executionId, 'Failed', `Step '${names}' failed and ContinueOnFailure is false.`);
      return null;
    }
    const next = execution.current_step_index + 1;
    if (next >= execution.total_steps) {
      await endExecution(tx, executionId, 'Complete');
      return null;
    }
    const queued = await queryReturning<{ id: string }>(
      tx,
      prepared(`WITH advanced AS (UPDATE schedule_executions SET current_step_index = $2, dispatched_group = $2 WHERE id = $1)
       UPDATE schedule_execution_steps SET status = 'Queued' WHERE execution_id = $1 AND group_ordinal = $2 AND status = 'Pending'
       RETURNING id`),
      [executionId, next],
    );
    return { executionId, stepIds: queued.map((r) => r.id) };
  }
}
