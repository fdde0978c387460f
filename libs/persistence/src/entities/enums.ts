export const TRIGGER_TYPES = ['Cron', 'Manual'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
export const PATTERN_TYPES = ['SpecificTimes', 'Interval', 'Custom'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];
export const INTERVAL_UNITS = ['Minutes', 'Hours'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];
export const EXECUTION_MODES = ['Sequential', 'ParallelWithPrevious'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];
export const STEP_TYPES = ['RunProfile', 'PowerShell', 'Executable', 'SqlScript'] as const;
export type ScheduleStepType = (typeof STEP_TYPES)[number];
export const RUN_TYPES = ['FullImport', 'DeltaImport', 'FullSynchronisation', 'DeltaSynchronisation', 'Export'] as const;
export type RunType = (typeof RUN_TYPES)[number];
export const ROLES = ['Administrator', 'User'] as const;
export type Role = (typeof ROLES)[number];
export const INITIATOR_TYPES = ['NotSet', 'User', 'ApiKey', 'System', 'Anonymous'] as const;
export type InitiatorType = (typeof INITIATOR_TYPES)[number];

export const EXECUTION_STATUSES = ['Queued', 'InProgress', 'Complete', 'Failed', 'Cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['Queued', 'InProgress'];

export const STEP_STATUSES = [
  'Pending',
  'Queued',
  'Processing',
  'Completed',
  'CompletedWithWarning',
  'CompletedWithError',
  'Failed',
  'Cancelled',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];
export const SETTLED_STEP_STATUSES: readonly StepStatus[] = [
  'Completed',
  'CompletedWithWarning',
  'CompletedWithError',
  'Failed',
  'Cancelled',
];
/** A warning is not a failure: the original system's rule, kept. */
export const FAILED_STEP_STATUSES: readonly StepStatus[] = ['CompletedWithError', 'Failed', 'Cancelled'];

export interface Initiator {
  type: InitiatorType;
  id: string | null;
  name: string | null;
}
export const SCHEDULER_INITIATOR: Initiator = { type: 'System', id: null, name: 'Scheduler Service' };
