import type { ExecutionStatus, InitiatorType, StepStatus } from '@jim/contracts';

// The API's enums are defined once, in the contracts library; the entities and the statements use their types.
export type {
  ExecutionMode,
  ExecutionStatus,
  ExecutionTrigger,
  InitiatorType,
  IntervalUnit,
  OverlapPolicy,
  PatternType,
  Role,
  RunType,
  ScheduleStepType,
  StepStatus,
  TriggerType,
} from '@jim/contracts';

export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['Queued', 'InProgress'];

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
