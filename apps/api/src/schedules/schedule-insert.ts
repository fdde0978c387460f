import { ValidationError } from '@jim/common';
import type { Initiator, SecretCipher } from '@jim/persistence';
import { maskConnectionString } from '@jim/steps';
import type { EntityManager } from 'typeorm';
import type { ScheduleDetailResponse } from './dto/schedule-response.dto';
import { SCHEDULE_TARGET, snapshotConnectionString } from './schedule-change-recorder';
import { storedStepFields, type ScheduleDefinition } from './schedule-definition';

export interface RunProfileNames {
  connectedSystemName: string;
  runProfileName: string;
}

export interface NewSchedule {
  id: string;
  definition: ScheduleDefinition;
  initiator: Initiator;
  now: Date;
  /** Names of the run profiles the steps use, by run profile id (they were just checked to exist). */
  names: Map<number, RunProfileNames>;
  stepIds: string[];
}

/**
 * Writes a new schedule, its steps and version 1 of its history in ONE statement (atomic without a transaction),
 * and returns what GET would return, built from what was written rather than read back.
 */
export async function insertSchedule(manager: EntityManager, cipher: SecretCipher, created: NewSchedule): Promise<ScheduleDetailResponse> {
  const { id, definition, initiator, now, names, stepIds } = created;
  const fields = definition.trigger.fields;
  const nextRunTime = definition.isEnabled ? definition.trigger.next(now) : null;
  const plain = definition.steps.map((step) => {
    if (step.sqlConnectionString !== null && typeof step.sqlConnectionString === 'object') {
      throw new ValidationError({
        [`steps[${step.requestOrdinal}].sqlConnectionString`]: [
          'is masked; send the full connection string (a masked value only keeps the stored secret of an existing step)',
        ],
      });
    }
    return step.sqlConnectionString;
  });
  const rows = definition.steps.map((step, i) => ({
    id: stepIds[i],
    schedule_id: id,
    step_index: step.stepIndex,
    position: step.position,
    name: step.name,
    execution_mode: step.executionMode,
    step_type: step.stepType,
    continue_on_failure: step.continueOnFailure,
    timeout_seconds: step.timeoutSeconds,
    connected_system_id: step.connectedSystemId,
    run_profile_id: step.runProfileId,
    script_path: step.scriptPath,
    arguments: step.arguments,
    executable_path: step.executablePath,
    working_directory: step.workingDirectory,
    sql_connection_string: plain[i] === null ? null : cipher.encrypt(plain[i]!),
    sql_script_path: step.sqlScriptPath,
    created: now.toISOString(),
    last_updated: null,
  }));
  const snapshot = {
    name: definition.name,
    description: definition.description,
    isEnabled: definition.isEnabled,
    triggerType: fields.triggerType,
    patternType: fields.patternType,
    daysOfWeek: fields.daysOfWeek,
    runTimes: fields.runTimes,
    intervalValue: fields.intervalValue,
    intervalUnit: fields.intervalUnit,
    intervalWindowStart: fields.intervalWindowStart,
    intervalWindowEnd: fields.intervalWindowEnd,
    cronExpression: fields.cronExpression,
    timeZone: fields.timeZone,
    steps: definition.steps.map((step, i) => ({
      id: stepIds[i],
      ...storedStepFields(step),
      ...snapshotConnectionString(plain[i], 1),
    })),
  };
  await manager.query(
    `WITH schedule AS (
       INSERT INTO schedules
         (id, name, description, trigger_type, pattern_type, days_of_week, run_times, interval_value, interval_unit,
          interval_window_start, interval_window_end, cron_expression, time_zone, is_enabled, last_run_time, next_run_time,
          created, created_by_type, created_by_id, created_by_name, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $15, $16, $17, $18, $19, 1)
     ),
     steps AS (
       INSERT INTO schedule_steps SELECT * FROM json_populate_recordset(NULL::schedule_steps, $20::json)
     )
     INSERT INTO configuration_changes
       (target_type, target_id, target_name, version, operation, snapshot, change_reason,
        initiated_by_type, initiated_by_id, initiated_by_name, changed_at)
     VALUES ($21, $1, $2, 1, 'Create', $22::jsonb, $23, $17, $18, $19, $16)`,
    [
      id,
      definition.name,
      definition.description,
      fields.triggerType,
      fields.patternType,
      fields.daysOfWeek,
      fields.runTimes,
      fields.intervalValue,
      fields.intervalUnit,
      fields.intervalWindowStart,
      fields.intervalWindowEnd,
      fields.cronExpression,
      fields.timeZone,
      definition.isEnabled,
      nextRunTime,
      now,
      initiator.type,
      initiator.id,
      initiator.name,
      JSON.stringify(rows),
      SCHEDULE_TARGET,
      JSON.stringify(snapshot),
      definition.changeReason,
    ],
  );
  return {
    id,
    name: definition.name,
    description: definition.description,
    triggerType: fields.triggerType,
    cronExpression: fields.cronExpression,
    patternType: fields.patternType,
    daysOfWeek: fields.daysOfWeek,
    runTimes: fields.runTimes,
    intervalValue: fields.intervalValue,
    intervalUnit: fields.intervalUnit,
    intervalWindowStart: fields.intervalWindowStart,
    intervalWindowEnd: fields.intervalWindowEnd,
    timeZone: fields.timeZone,
    isEnabled: definition.isEnabled,
    lastRunTime: null,
    nextRunTime: nextRunTime ? nextRunTime.toISOString() : null,
    stepCount: definition.steps.length,
    created: now.toISOString(),
    lastUpdated: null,
    lastExecutionId: null,
    lastExecutionStatus: null,
    lastExecutionCurrentStepIndex: null,
    lastExecutionTotalSteps: null,
    lastExecutionCompletedAt: null,
    lastExecutionErrorMessage: null,
    steps: definition.steps.map((step, i) => {
      const named = step.runProfileId !== null ? names.get(step.runProfileId) : undefined;
      return {
        id: stepIds[i],
        stepIndex: step.stepIndex,
        name: step.name,
        executionMode: step.executionMode,
        stepType: step.stepType,
        continueOnFailure: step.continueOnFailure,
        timeoutSeconds: step.timeoutSeconds,
        connectedSystemId: step.connectedSystemId,
        connectedSystemName: named?.connectedSystemName ?? null,
        runProfileId: step.runProfileId,
        runProfileName: named?.runProfileName ?? null,
        scriptPath: step.scriptPath,
        executablePath: step.executablePath,
        workingDirectory: step.workingDirectory,
        arguments: step.arguments,
        sqlConnectionString: plain[i] === null ? null : maskConnectionString(plain[i]!),
        sqlScriptPath: step.sqlScriptPath,
      };
    }),
  };
}
