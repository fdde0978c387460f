import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError, ValidationError } from '@jim/common';
import type { DataSource, EntityManager } from 'typeorm';
import { fieldMap, fromRow, ScheduleExecutionStep } from '@jim/persistence';
import { iso } from '../common/iso';
import { pagedResponse, paging, type PagedResponse } from '../common/paging';
import { declaredProperties } from '../common/response-type';
import { scheduleNotFound } from '../schedules/schedule-not-found';
import { EXECUTION_SORT_KEYS, type ExecutionListQuery, type ExecutionSortKey, type SkippedRunListQuery } from './dto/execution-query.dto';
import {
  ScheduleExecutionStepResponse,
  type ScheduleExecutionDetailResponse,
  type ScheduleExecutionResponse,
  type RunProfileProgressResponse,
  type SkippedRunResponse,
  type StepAttemptResponse,
  type ResourceWaitResponse,
} from './dto/execution-response.dto';
import { executionProgress } from './execution-progress';

/** The status column sorts in lifecycle order, not alphabetically. */
const STATUS_ORDER = `CASE e.status WHEN 'Queued' THEN 0 WHEN 'InProgress' THEN 1 WHEN 'Complete' THEN 2 WHEN 'Failed' THEN 3 WHEN 'Cancelled' THEN 4 ELSE 5 END`;

const SORT_COLUMNS: Record<ExecutionSortKey, string> = {
  status: STATUS_ORDER,
  startedAt: 'e.started_at',
  started: 'e.started_at',
  completedAt: 'e.completed_at',
  completed: 'e.completed_at',
  queuedAt: 'e.queued_at',
  queued: 'e.queued_at',
};
/** Keyed by the lower-cased sort key; a Map, so "constructor" or "__proto__" find nothing. */
const COLUMN_BY_SORT_KEY = new Map(Object.entries(SORT_COLUMNS).map(([key, column]) => [key.toLowerCase(), column]));

const EXECUTION_COLUMNS = `
  e.id, e.schedule_id, e.schedule_name, e.status, e.trigger_kind, e.scheduled_for, e.current_step_index, e.total_steps,
  e.queued_at, e.started_at, e.completed_at, e.initiated_by_type, e.initiated_by_id, e.initiated_by_name, e.error_message`;

/**
 * The columns of a step run that its response declares (ScheduleExecutionStepResponse), so the SQL connection string,
 * which the response leaves out, never leaves the database through this API.
 */
const STEP_FIELDS = fieldMap<StepRun, keyof StepRun>(ScheduleExecutionStep).filter((c) =>
  declaredProperties(ScheduleExecutionStepResponse).includes(c.field),
);
type StepRun = Pick<ScheduleExecutionStep, keyof ScheduleExecutionStepResponse & keyof ScheduleExecutionStep>;
const STEP_COLUMNS = STEP_FIELDS.map((c) => `s.${c.column}`).join(', ');

/** Read side of schedule executions and skipped runs: raw SQL, one query per shape. */
@Injectable()
export class ExecutionReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(query: ExecutionListQuery): Promise<PagedResponse<ScheduleExecutionResponse>> {
    const page = paging(query);
    const sortColumn = COLUMN_BY_SORT_KEY.get(query.sortBy?.toLowerCase() ?? 'queuedat');
    if (!sortColumn) {
      throw ValidationError.field('sortBy', `must be one of ${EXECUTION_SORT_KEYS.join(', ')}`);
    }
    const direction = (query.sortDescending ?? true) ? 'DESC' : 'ASC';
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (query.scheduleId) {
      params.push(query.scheduleId.toLowerCase());
      conditions.push(`e.schedule_id = $${params.length}`);
    }
    if (query.status) {
      params.push(query.status);
      conditions.push(`e.status = $${params.length}`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM schedule_executions e ${where}`, params);
    const rows: Row[] = await this.db.query(
      `SELECT ${EXECUTION_COLUMNS} FROM schedule_executions e ${where}
       ORDER BY ${sortColumn} ${direction} NULLS LAST, e.id ASC
       LIMIT ${page.pageSize} OFFSET ${page.skip}`,
      params,
    );
    return pagedResponse(rows.map(toExecution), total, page);
  }

  async active(): Promise<ScheduleExecutionResponse[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${EXECUTION_COLUMNS} FROM schedule_executions e
       WHERE e.status IN ('Queued', 'InProgress') ORDER BY e.queued_at ASC, e.id ASC`,
    );
    return rows.map(toExecution);
  }

  async summary(id: string, manager: EntityManager = this.db.manager): Promise<ScheduleExecutionResponse> {
    const rows: Row[] = await manager.query(`SELECT ${EXECUTION_COLUMNS} FROM schedule_executions e WHERE e.id = $1`, [id]);
    if (rows.length === 0) throw executionNotFound(id);
    return toExecution(rows[0]);
  }

  async detail(id: string): Promise<ScheduleExecutionDetailResponse> {
    // One snapshot for the execution and its steps, so the progress never mixes two moments.
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      const execution = await this.summary(id, tx);
      const rows: Row[] = await tx.query(
        `SELECT ${STEP_COLUMNS} FROM schedule_execution_steps s WHERE s.execution_id = $1 ORDER BY s.group_ordinal, s.position`,
        [id],
      );
      const attempts = await stepAttempts(tx, id);
      const waits = await resourceWaits(tx, id);
      const steps = rows.map((row) => ({ ...toStep(row, attempts.get(row.id) ?? []), waitingFor: waits.get(row.id) ?? null }));
      return { ...execution, steps, progress: executionProgress(execution, steps) };
    });
  }

  async skippedRuns(scheduleId: string, query: SkippedRunListQuery): Promise<PagedResponse<SkippedRunResponse>> {
    const page = paging(query);
    const [schedule] = await this.db.query(`SELECT id FROM schedules WHERE id = $1`, [scheduleId]);
    if (!schedule) throw scheduleNotFound(scheduleId);
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM skipped_runs WHERE schedule_id = $1`, [scheduleId]);
    const rows: Row[] = await this.db.query(
      `SELECT id, schedule_id, scheduled_for, reason, active_execution_id, recorded_at FROM skipped_runs
       WHERE schedule_id = $1 ORDER BY scheduled_for DESC, id ASC LIMIT ${page.pageSize} OFFSET ${page.skip}`,
      [scheduleId],
    );
    return pagedResponse(rows.map(toSkippedRun), total, page);
  }
}

export function executionNotFound(id: string): NotFoundError {
  return new NotFoundError(`Schedule execution not found: ${id}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

function toExecution(row: Row): ScheduleExecutionResponse {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    scheduleName: row.schedule_name,
    status: row.status,
    triggerKind: row.trigger_kind,
    scheduledFor: iso(row.scheduled_for),
    currentStepIndex: row.current_step_index,
    totalSteps: row.total_steps,
    queuedAt: iso(row.queued_at)!,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    initiatedByType: row.initiated_by_type,
    initiatedById: row.initiated_by_id,
    initiatedByName: row.initiated_by_name,
    errorMessage: row.error_message,
  };
}

/** Where each waiting step of an execution stands in its connected system's line, by execution step id. */
async function resourceWaits(tx: EntityManager, executionId: string): Promise<Map<string, ResourceWaitResponse>> {
  const rows: Row[] = await tx.query(
    `SELECT w.execution_step_id, w.connected_system_id, w.requested_at,
       (SELECT g.execution_id FROM connected_system_holds g WHERE g.connected_system_id = w.connected_system_id AND g.granted_at IS NOT NULL) AS held_by,
       (SELECT count(*) FROM connected_system_holds a JOIN schedule_execution_steps sa ON sa.id = a.execution_step_id
        WHERE a.connected_system_id = w.connected_system_id AND a.granted_at IS NULL AND sa.status = 'WaitingForResource' AND a.seq <= w.seq)::int AS place
     FROM connected_system_holds w JOIN schedule_execution_steps s ON s.id = w.execution_step_id
     WHERE s.execution_id = $1 AND s.status = 'WaitingForResource'`,
    [executionId],
  );
  return new Map(
    rows.map((row) => [
      row.execution_step_id,
      { connectedSystemId: row.connected_system_id, heldByExecutionId: row.held_by, placeInLine: row.place, since: iso(row.requested_at)! },
    ]),
  );
}

/** The finished attempts of an execution's steps, by execution step id, oldest first. */
async function stepAttempts(tx: EntityManager, executionId: string): Promise<Map<string, StepAttemptResponse[]>> {
  const rows: Row[] = await tx.query(
    `SELECT a.* FROM schedule_execution_step_attempts a JOIN schedule_execution_steps s ON s.id = a.execution_step_id
     WHERE s.execution_id = $1 ORDER BY a.execution_step_id, a.attempt`,
    [executionId],
  );
  const byStep = new Map<string, StepAttemptResponse[]>();
  for (const row of rows) {
    const attempt: StepAttemptResponse = {
      attempt: row.attempt,
      startedAt: iso(row.started_at),
      completedAt: iso(row.completed_at)!,
      outcome: row.outcome,
      exitCode: row.exit_code,
      stdoutTail: row.stdout_tail,
      stderrTail: row.stderr_tail,
      errorMessage: row.error_message,
      activityId: row.activity_id,
    };
    (byStep.get(row.execution_step_id) ?? byStep.set(row.execution_step_id, []).get(row.execution_step_id)!).push(attempt);
  }
  return byStep;
}

function toStep(row: Row, attempts: StepAttemptResponse[]): Omit<ScheduleExecutionStepResponse, 'waitingFor'> {
  const step = fromRow<StepRun>(STEP_FIELDS, row);
  return {
    ...step,
    startedAt: iso(step.startedAt),
    completedAt: iso(step.completedAt),
    progress: step.progress ? toRunProgress(step.progress) : null,
    nextAttemptAt: iso(step.nextAttemptAt),
    attempts,
  };
}

function toRunProgress(p: Row): RunProfileProgressResponse {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    percentComplete: num(p.percentComplete),
    objectsProcessed: num(p.objectsProcessed),
    objectsToProcess: num(p.objectsToProcess),
    phase: typeof p.phase === 'string' ? p.phase : null,
  };
}

function toSkippedRun(row: Row): SkippedRunResponse {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    scheduledFor: iso(row.scheduled_for)!,
    reason: row.reason,
    activeExecutionId: row.active_execution_id,
    recordedAt: iso(row.recorded_at)!,
  };
}
