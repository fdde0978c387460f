import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError, ValidationError } from '@jim/common';
import { SecretCipher } from '@jim/persistence';
import { maskConnectionString } from '@jim/steps';
import type { DataSource, EntityManager } from 'typeorm';
import { iso } from '../common/iso';
import { pagedResponse, paging, type PagedResponse } from '../common/paging';
import { SCHEDULE_SORT_KEYS, type ScheduleListQuery, type ScheduleSortKey } from './dto/schedule-query.dto';
import type { ScheduleDetailResponse, ScheduleResponse, ScheduleStepResponse } from './dto/schedule-response.dto';

const SORT_COLUMNS: Record<ScheduleSortKey, string> = {
  name: 'lower(s.name)',
  isEnabled: 's.is_enabled',
  enabled: 's.is_enabled',
  status: 's.is_enabled',
  lastRunTime: 's.last_run_time',
  lastRun: 's.last_run_time',
  nextRunTime: 's.next_run_time',
  nextRun: 's.next_run_time',
  created: 's.created',
};
/** Keyed by the lower-cased sort key; a Map, so "constructor" or "__proto__" find nothing. */
const COLUMN_BY_SORT_KEY = new Map(Object.entries(SORT_COLUMNS).map(([key, column]) => [key.toLowerCase(), column]));

const SUMMARY_COLUMNS = `
  s.id, s.name, s.description, s.trigger_type, s.cron_expression, s.pattern_type, s.days_of_week, s.run_times,
  s.interval_value, s.interval_unit, s.interval_window_start, s.interval_window_end, s.time_zone, s.is_enabled,
  s.last_run_time, s.next_run_time, s.created, s.last_updated,
  (SELECT count(*)::int FROM schedule_steps st WHERE st.schedule_id = s.id) AS step_count,
  le.id AS le_id, le.status AS le_status, le.current_step_index AS le_current, le.total_steps AS le_total,
  le.completed_at AS le_completed_at, le.error_message AS le_error`;

const LAST_EXECUTION_JOIN = `
  LEFT JOIN LATERAL (
    SELECT e.id, e.status, e.current_step_index, e.total_steps, e.completed_at, e.error_message
    FROM schedule_executions e WHERE e.schedule_id = s.id ORDER BY e.queued_at DESC, e.id DESC LIMIT 1
  ) le ON true`;

/** A step of the schedule runs a run profile (or on a connected system) that JIM no longer has. */
const USES_REMOVED_RUN_PROFILE = `EXISTS (
  SELECT 1 FROM schedule_steps st
  LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
  LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
  WHERE st.schedule_id = s.id AND (rp.removed_from_jim_at IS NOT NULL OR cs.removed_from_jim_at IS NOT NULL))`;

/** Read side of schedules: list, summary and detail, each one query (plus one for the steps). */
@Injectable()
export class ScheduleReader {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SecretCipher) private readonly cipher: SecretCipher,
  ) {}

  async list(query: ScheduleListQuery): Promise<PagedResponse<ScheduleResponse>> {
    const page = paging(query);
    const sortKey = query.sortBy?.toLowerCase() ?? 'created';
    const sortColumn = COLUMN_BY_SORT_KEY.get(sortKey);
    if (!sortColumn) {
      throw ValidationError.field('sortBy', `must be one of ${SCHEDULE_SORT_KEYS.join(', ')}`);
    }
    const direction = query.sortDescending ? 'DESC' : 'ASC';
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (query.search?.trim()) {
      params.push(`%${escapeLike(query.search.trim())}%`);
      conditions.push(`(s.name ILIKE $1 OR s.description ILIKE $1)`);
    }
    if (query.invalid !== undefined) conditions.push(`${query.invalid ? '' : 'NOT '}${USES_REMOVED_RUN_PROFILE}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM schedules s ${where}`, params);
    const rows = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS} FROM schedules s ${LAST_EXECUTION_JOIN} ${where}
       ORDER BY ${sortColumn} ${direction} NULLS LAST, s.id ${direction}
       LIMIT ${page.pageSize} OFFSET ${page.skip}`,
      params,
    );
    return pagedResponse(rows.map(toSummary), total, page);
  }

  async summary(id: string, manager: EntityManager = this.db.manager): Promise<ScheduleResponse> {
    const rows = await manager.query(`SELECT ${SUMMARY_COLUMNS} FROM schedules s ${LAST_EXECUTION_JOIN} WHERE s.id = $1`, [id]);
    if (rows.length === 0) throw scheduleNotFound(id);
    return toSummary(rows[0]);
  }

  async detail(id: string, manager: EntityManager = this.db.manager): Promise<ScheduleDetailResponse> {
    const summary = await this.summary(id, manager);
    const steps = await manager.query(
      `SELECT st.*, cs.name AS connected_system_name, rp.name AS run_profile_name
       FROM schedule_steps st
       LEFT JOIN connected_systems cs ON cs.id = st.connected_system_id
       LEFT JOIN run_profiles rp ON rp.id = st.run_profile_id
       WHERE st.schedule_id = $1 ORDER BY st.step_index, st.position`,
      [id],
    );
    return { ...summary, steps: steps.map((row: StepRow) => this.toStep(row)) };
  }

  private toStep(row: StepRow): ScheduleStepResponse {
    return {
      id: row.id,
      stepIndex: row.step_index,
      name: row.name,
      executionMode: row.execution_mode,
      stepType: row.step_type,
      continueOnFailure: row.continue_on_failure,
      timeoutSeconds: row.timeout_seconds,
      connectedSystemId: row.connected_system_id,
      connectedSystemName: row.connected_system_name,
      runProfileId: row.run_profile_id,
      runProfileName: row.run_profile_name,
      scriptPath: row.script_path,
      executablePath: row.executable_path,
      workingDirectory: row.working_directory,
      arguments: row.arguments,
      sqlConnectionString: row.sql_connection_string ? maskConnectionString(this.cipher.decrypt(row.sql_connection_string)) : null,
      sqlScriptPath: row.sql_script_path,
    };
  }
}

export function scheduleNotFound(id: string): NotFoundError {
  return new NotFoundError(`Schedule not found: ${id}`);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}


// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;
type StepRow = Row;

function toSummary(row: Row): ScheduleResponse {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    triggerType: row.trigger_type,
    cronExpression: row.cron_expression,
    patternType: row.pattern_type,
    daysOfWeek: row.days_of_week,
    runTimes: row.run_times,
    intervalValue: row.interval_value,
    intervalUnit: row.interval_unit,
    intervalWindowStart: row.interval_window_start,
    intervalWindowEnd: row.interval_window_end,
    timeZone: row.time_zone,
    isEnabled: row.is_enabled,
    lastRunTime: iso(row.last_run_time),
    nextRunTime: iso(row.next_run_time),
    stepCount: row.step_count,
    created: iso(row.created)!,
    lastUpdated: iso(row.last_updated),
    lastExecutionId: row.le_id ?? null,
    lastExecutionStatus: row.le_status ?? null,
    lastExecutionCurrentStepIndex: row.le_current ?? null,
    lastExecutionTotalSteps: row.le_total ?? null,
    lastExecutionCompletedAt: iso(row.le_completed_at),
    lastExecutionErrorMessage: row.le_error ?? null,
  };
}
