import type { ExecutionStatus, IntervalUnit, PatternType, ScheduleStepType, TriggerType } from '@jim/persistence';

/**
 * The API's enum values, repeated here so the command does not load the persistence library at run time. The type
 * check fails to compile when a value is missing from, or not part of, the API's own union.
 */
const every =
  <T extends string>() =>
  <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : never)): A =>
    values;

export const TRIGGER_TYPES = every<TriggerType>()(['Cron', 'Manual']);
export const PATTERN_TYPES = every<PatternType>()(['SpecificTimes', 'Interval', 'Custom']);
export const INTERVAL_UNITS = every<IntervalUnit>()(['Minutes', 'Hours']);
export const STEP_TYPES = every<ScheduleStepType>()(['RunProfile', 'PowerShell', 'Executable', 'SqlScript']);
export const EXECUTION_STATUSES = every<ExecutionStatus>()(['Queued', 'InProgress', 'Complete', 'Failed', 'Cancelled']);
