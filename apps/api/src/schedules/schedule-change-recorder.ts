import { type ConfigurationOperation, type Initiator, type SecretCipher } from '@jim/persistence';
import { maskConnectionString } from '@jim/steps';
import type { EntityManager } from 'typeorm';

export const SCHEDULE_TARGET = 'Schedule';

/**
 * How a snapshot shows a step's connection string: masked as GET shows it, and the version in which its password was
 * last set or changed. Nothing derived from the password's value is stored, so equal passwords (in this schedule or
 * another) cannot be told apart from the history.
 */
export function snapshotConnectionString(plain: string | null, passwordChangedInVersion: number | null) {
  return {
    sqlConnectionString: plain === null ? null : maskConnectionString(plain),
    sqlPasswordChangedInVersion: plain === null ? null : passwordChangedInVersion,
  };
}

export interface ScheduleSnapshot {
  /** The redacted snapshot of the schedule as it now is; null when it no longer exists. */
  snapshot: Record<string, unknown> | null;
  /** The version this snapshot will be recorded as. */
  version: number;
}

/**
 * A redacted snapshot of a schedule, to be recorded as its next version. A step's password counts as changed in this
 * version when the caller says so (`passwordChanged`, step ids) or when the previous version did not have it;
 * otherwise the previous version's `sqlPasswordChangedInVersion` carries over.
 */
export async function scheduleSnapshot(
  manager: EntityManager,
  cipher: SecretCipher,
  scheduleId: string,
  passwordChanged: ReadonlySet<string>,
): Promise<ScheduleSnapshot> {
  const [last]: { version: number; snapshot: Record<string, unknown> | null }[] = await manager.query(
    `SELECT version, snapshot FROM configuration_changes WHERE target_type = $1 AND target_id = $2 ORDER BY version DESC LIMIT 1`,
    [SCHEDULE_TARGET, scheduleId],
  );
  const version = (last?.version ?? 0) + 1;
  const carried = new Map<string, unknown>();
  const previousSteps = last?.snapshot?.steps;
  if (Array.isArray(previousSteps)) {
    for (const step of previousSteps as Record<string, unknown>[]) carried.set(step.id as string, step.sqlPasswordChangedInVersion);
  }
  const rows: Record<string, unknown>[] = await manager.query(
    `SELECT s.name, s.description, s.is_enabled, s.trigger_type, s.pattern_type, s.days_of_week, s.run_times,
            s.interval_value, s.interval_unit, s.interval_window_start, s.interval_window_end, s.cron_expression, s.time_zone,
            COALESCE((SELECT json_agg(json_build_object(
               'id', st.id, 'stepIndex', st.step_index, 'name', st.name, 'executionMode', st.execution_mode,
               'stepType', st.step_type, 'continueOnFailure', st.continue_on_failure, 'timeoutSeconds', st.timeout_seconds,
               'connectedSystemId', st.connected_system_id, 'runProfileId', st.run_profile_id, 'scriptPath', st.script_path,
               'arguments', st.arguments, 'executablePath', st.executable_path, 'workingDirectory', st.working_directory,
               'sqlConnectionString', st.sql_connection_string, 'sqlScriptPath', st.sql_script_path)
               ORDER BY st.step_index, st.position) FROM schedule_steps st WHERE st.schedule_id = s.id), '[]'::json) AS steps
     FROM schedules s WHERE s.id = $1`,
    [scheduleId],
  );
  if (rows.length === 0) return { snapshot: null, version };
  const row = rows[0];
  const steps = (row.steps as Record<string, unknown>[]).map((step) => {
    const id = step.id as string;
    const previous = carried.get(id);
    const changedIn = passwordChanged.has(id) || typeof previous !== 'number' ? version : previous;
    const plain = typeof step.sqlConnectionString === 'string' ? cipher.decrypt(step.sqlConnectionString) : null;
    return { ...step, ...snapshotConnectionString(plain, changedIn) };
  });
  return {
    snapshot: {
      name: row.name,
      description: row.description,
      isEnabled: row.is_enabled,
      triggerType: row.trigger_type,
      patternType: row.pattern_type,
      daysOfWeek: row.days_of_week,
      runTimes: row.run_times,
      intervalValue: row.interval_value,
      intervalUnit: row.interval_unit,
      intervalWindowStart: row.interval_window_start,
      intervalWindowEnd: row.interval_window_end,
      cronExpression: row.cron_expression,
      timeZone: row.time_zone,
      steps,
    },
    version,
  };
}

export interface ChangeToRecord {
  scheduleId: string;
  scheduleName: string;
  operation: ConfigurationOperation;
  snapshot: Record<string, unknown> | null;
  changeReason: string | null;
  initiator: Initiator;
  /** Known by the caller for a new schedule (1); otherwise the next after the last recorded. */
  version?: number;
}

/** Appends the next version of a schedule's history, in the caller's transaction. */
export async function recordScheduleChange(manager: EntityManager, change: ChangeToRecord): Promise<number> {
  const next =
    change.version ??
    (
      await manager.query(
        `SELECT COALESCE(max(version), 0) + 1 AS next FROM configuration_changes WHERE target_type = $1 AND target_id = $2`,
        [SCHEDULE_TARGET, change.scheduleId],
      )
    )[0].next;
  await manager.query(
    `INSERT INTO configuration_changes
       (target_type, target_id, target_name, version, operation, snapshot, change_reason,
        initiated_by_type, initiated_by_id, initiated_by_name, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
    [
      SCHEDULE_TARGET,
      change.scheduleId,
      change.scheduleName,
      next,
      change.operation,
      change.snapshot === null ? null : JSON.stringify(change.snapshot),
      change.changeReason,
      change.initiator.type,
      change.initiator.id,
      change.initiator.name,
    ],
  );
  return next;
}
