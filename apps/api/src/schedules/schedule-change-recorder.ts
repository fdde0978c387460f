import { type ConfigurationOperation, type Initiator, type SecretCipher, secretFingerprint } from '@jim/persistence';
import type { EntityManager } from 'typeorm';

export const SCHEDULE_TARGET = 'Schedule';

/** A redacted snapshot of a schedule: secrets appear only as keyed fingerprints. */
export function scheduleSnapshot(manager: EntityManager, cipher: SecretCipher, scheduleId: string): Promise<Record<string, unknown> | null> {
  return manager
    .query(
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
    )
    .then((rows: Record<string, unknown>[]) => {
      if (rows.length === 0) return null;
      const row = rows[0];
      const steps = (row.steps as Record<string, unknown>[]).map((step) => ({
        ...step,
        sqlConnectionString:
          typeof step.sqlConnectionString === 'string' ? secretFingerprint(cipher, cipher.decrypt(step.sqlConnectionString)) : null,
      }));
      return {
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
      };
    });
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
