/** The enums of the HTTP API: each list is the one definition of its values, for the API, the workers and the CLI. */
export const TRIGGER_TYPES = ['Cron', 'Manual'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
/** How an execution was started: by the trigger (Cron), on request (Manual), or for a past fire time (Backfill). */
export const EXECUTION_TRIGGERS = ['Cron', 'Manual', 'Backfill'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];
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

export const STEP_STATUSES = [
  'Pending',
  'Queued',
  'Processing',
  'Completed',
  'CompletedWithWarning',
  'CompletedWithError',
  'Failed',
  'Cancelled',
  /** A RunProfile step waiting in line for its exclusive connected system. */
  'WaitingForResource',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** What a recorded configuration change did. */
export const CONFIGURATION_OPERATIONS = ['Create', 'Update', 'Enable', 'Disable', 'Delete'] as const;
export type ConfigurationOperation = (typeof CONFIGURATION_OPERATIONS)[number];

/**
 * What a tick (or a manual run) does while an execution of its schedule is active: Skip it, let one (BufferOne) or
 * every one (BufferAll, at most 100 waiting) wait for its turn, cancel the active execution (CancelPrevious), or run
 * alongside (AllowAll).
 */
export const OVERLAP_POLICIES = ['Skip', 'BufferOne', 'BufferAll', 'CancelPrevious', 'AllowAll'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
