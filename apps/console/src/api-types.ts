/**
 * The HTTP API's request and response shapes, as the console uses them. They mirror the API's DTOs
 * (the dto folders of apps/api/src) and will be replaced by the shared @jim/contracts types: one import change.
 */
export type TriggerType = 'Cron' | 'Manual';
export type PatternType = 'SpecificTimes' | 'Interval' | 'Custom';
export type IntervalUnit = 'Minutes' | 'Hours';
export type ExecutionMode = 'Sequential' | 'ParallelWithPrevious';
export type StepType = 'RunProfile' | 'PowerShell' | 'Executable' | 'SqlScript';
export type ExecutionStatus = 'Queued' | 'InProgress' | 'Complete' | 'Failed' | 'Cancelled';
export type StepStatus =
  | 'Pending'
  | 'Queued'
  | 'Processing'
  | 'Completed'
  | 'CompletedWithWarning'
  | 'CompletedWithError'
  | 'Failed'
  | 'Cancelled';

export const STEP_TYPES: readonly StepType[] = ['RunProfile', 'PowerShell', 'Executable', 'SqlScript'];
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['Queued', 'InProgress'];

export interface ErrorBody {
  code: string;
  message: string;
  details: string | null;
  validationErrors: Record<string, string[]> | null;
  timestamp: string;
}

export interface Paged<T> {
  items: T[];
  totalCount: number;
  page: number;
  pageSize: number;
  totalPages: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface TriggerFields {
  triggerType: TriggerType;
  patternType: PatternType;
  daysOfWeek: string | null;
  runTimes: string | null;
  intervalValue: number | null;
  intervalUnit: IntervalUnit | null;
  intervalWindowStart: string | null;
  intervalWindowEnd: string | null;
  cronExpression: string | null;
  timeZone: string;
}

export interface StepFields {
  id?: string | null;
  stepIndex: number;
  name: string | null;
  stepType: StepType;
  continueOnFailure: boolean;
  timeoutSeconds: number | null;
  connectedSystemId: number | null;
  runProfileId: number | null;
  scriptPath: string | null;
  arguments: string | null;
  executablePath: string | null;
  workingDirectory: string | null;
  sqlConnectionString: string | null;
  sqlScriptPath: string | null;
}

export interface ScheduleStep extends StepFields {
  id: string;
  executionMode: ExecutionMode;
  connectedSystemName: string | null;
  runProfileName: string | null;
}

export interface Schedule extends TriggerFields {
  id: string;
  name: string;
  description: string | null;
  isEnabled: boolean;
  lastRunTime: string | null;
  nextRunTime: string | null;
  stepCount: number;
  created: string;
  lastUpdated: string | null;
  lastExecutionId: string | null;
  lastExecutionStatus: ExecutionStatus | null;
  lastExecutionCurrentStepIndex: number | null;
  lastExecutionTotalSteps: number | null;
  lastExecutionCompletedAt: string | null;
  lastExecutionErrorMessage: string | null;
}

export interface ScheduleDetail extends Schedule {
  steps: ScheduleStep[];
}

export interface ScheduleRequest extends Partial<TriggerFields> {
  name: string;
  description: string | null;
  isEnabled: boolean;
  steps: StepFields[];
  changeReason?: string | null;
}

export interface NextRuns {
  scheduleId: string;
  timeZone: string;
  cronExpression: string | null;
  nextRuns: string[];
}

export interface DstNote {
  kind: 'gap' | 'overlap';
  at: string;
  localDate: string;
  wallBefore: string;
  wallAfter: string;
  affectedWallTimes: string[];
  firesAt: string | null;
  text: string;
}

export interface TriggerPreview {
  triggerType: TriggerType;
  patternType: PatternType;
  cronExpression: string | null;
  timeZone: string;
  description: string;
  nextRuns: string[];
  dstNotes: DstNote[];
}

export interface UpcomingSchedule {
  scheduleId: string;
  name: string;
  timeZone: string;
  cronExpression: string | null;
  description: string;
  fireTimes: string[];
}

export interface Upcoming {
  from: string;
  to: string;
  totalFireTimes: number;
  schedules: UpcomingSchedule[];
}

export interface Execution {
  id: string;
  scheduleId: string | null;
  scheduleName: string;
  status: ExecutionStatus;
  triggerKind: string;
  scheduledFor: string | null;
  currentStepIndex: number;
  totalSteps: number;
  queuedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  initiatedByType: string;
  initiatedById: string | null;
  initiatedByName: string | null;
  errorMessage: string | null;
}

export interface ExecutionStep {
  id: string;
  stepId: string;
  stepIndex: number;
  groupOrdinal: number;
  name: string;
  stepType: StepType;
  executionMode: ExecutionMode;
  continueOnFailure: boolean;
  timeoutSeconds: number | null;
  connectedSystemId: number | null;
  connectedSystemName: string | null;
  runProfileId: number | null;
  runProfileName: string | null;
  scriptPath: string | null;
  executablePath: string | null;
  arguments: string | null;
  sqlScriptPath: string | null;
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  exitCode: number | null;
  stdoutTail: string | null;
  stderrTail: string | null;
  errorMessage: string | null;
  /** RunProfile steps on JIM: JIM's activity, its last polled status and progress (null when none). */
  activityId: string | null;
  activityStatus: string | null;
  progress: RunProfileProgress | null;
}

export interface RunProfileProgress {
  percentComplete: number | null;
  objectsProcessed: number | null;
  objectsToProcess: number | null;
  phase: string | null;
}

export interface ExecutionDetail extends Execution {
  steps: ExecutionStep[];
  progress: { currentStepNumber: number | null; totalSteps: number; steps: { stepIndex: number; name: string; status: StepStatus; isParallel: boolean }[] };
}

export interface SkippedRun {
  id: string;
  scheduleId: string;
  scheduledFor: string;
  reason: string;
  activeExecutionId: string | null;
  recordedAt: string;
}

export interface ChangeHistoryItem {
  version: number;
  operation: 'Create' | 'Update' | 'Enable' | 'Disable' | 'Delete';
  changedAt: string;
  changeReason: string | null;
  initiatedByType: string;
  initiatedById: string | null;
  initiatedByName: string | null;
}

export interface ChangeComparison {
  scheduleId: string;
  fromVersion: number;
  toVersion: number;
  differences: { path: string; from: unknown; to: unknown; passwordChanged?: boolean }[];
}

export interface ConnectedSystem {
  id: number;
  name: string;
  description: string | null;
}

export interface RunProfile {
  id: number;
  name: string;
  connectedSystemId: number;
  runType: string;
}
