import type {
  ExecutionMode,
  ExecutionStatus,
  IntervalUnit,
  OverlapPolicy,
  PatternType,
  ScheduleStepType,
  TriggerType,
} from './enums';

export interface ScheduleStepRequest {
  /** An existing step's id updates that step on PUT; absent (or unknown) creates a step. */
  id?: string | null;
  stepIndex: number;
  name?: string | null;
  /** Accepted for compatibility; the real grouping comes from stepIndex and is what responses show. */
  executionMode?: ExecutionMode | null;
  stepType: ScheduleStepType;
  continueOnFailure?: boolean | null;
  timeoutSeconds?: number | null;
  connectedSystemId?: number | null;
  runProfileId?: number | null;
  scriptPath?: string | null;
  arguments?: string | null;
  executablePath?: string | null;
  workingDirectory?: string | null;
  sqlConnectionString?: string | null;
  sqlScriptPath?: string | null;
  // Read-only fields a GET returns: accepted and ignored.
  connectedSystemName?: unknown;
  runProfileName?: unknown;
}

/** A schedule's trigger fields, normalised: as stored and returned. The one list of them. */
export interface TriggerFields {
  triggerType: TriggerType;
  patternType: PatternType;
  daysOfWeek: string | null;
  runTimes: string | null;
  intervalValue: number | null;
  intervalUnit: IntervalUnit | null;
  intervalWindowStart: string | null;
  intervalWindowEnd: string | null;
  /** As sent for Custom, generated for SpecificTimes and Interval, null for Manual. */
  cronExpression: string | null;
  /** IANA name. */
  timeZone: string;
}

/** The trigger fields as a request may send them: each optional, null for "not given". */
export type TriggerRequestFields = { [K in keyof TriggerFields]?: TriggerFields[K] | null };

export interface ScheduleRequest extends TriggerRequestFields {
  name: string;
  description?: string | null;
  isEnabled?: boolean | null;
  steps?: ScheduleStepRequest[] | null;
  changeReason?: string | null;
  /** Default Skip. */
  overlapPolicy?: OverlapPolicy | null;
  /** 0–86400; null: the workers' JIM_MISFIRE_GRACE_SECONDS. */
  catchUpWindowSeconds?: number | null;
  /** 0–3600, default 0. */
  jitterSeconds?: number | null;
  // Read-only fields a GET returns: accepted and ignored, so a client can GET, edit and PUT back.
  id?: unknown;
  created?: unknown;
  lastUpdated?: unknown;
  lastRunTime?: unknown;
  nextRunTime?: unknown;
  stepCount?: unknown;
  lastExecutionId?: unknown;
  lastExecutionStatus?: unknown;
  lastExecutionCurrentStepIndex?: unknown;
  lastExecutionTotalSteps?: unknown;
  lastExecutionCompletedAt?: unknown;
  lastExecutionErrorMessage?: unknown;
}

export interface ScheduleStepResponse {
  id: string;
  stepIndex: number;
  name: string | null;
  executionMode: ExecutionMode;
  stepType: ScheduleStepType;
  continueOnFailure: boolean;
  timeoutSeconds: number | null;
  connectedSystemId: number | null;
  connectedSystemName: string | null;
  runProfileId: number | null;
  runProfileName: string | null;
  scriptPath: string | null;
  executablePath: string | null;
  workingDirectory: string | null;
  arguments: string | null;
  /** Password masked; send the masked value back unchanged to keep the stored secret. */
  sqlConnectionString: string | null;
  sqlScriptPath: string | null;
}

export interface ScheduleResponse extends TriggerFields {
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
  overlapPolicy: OverlapPolicy;
  /** Null: the workers' JIM_MISFIRE_GRACE_SECONDS. */
  catchUpWindowSeconds: number | null;
  jitterSeconds: number;
}

export interface ScheduleDetailResponse extends ScheduleResponse {
  steps: ScheduleStepResponse[];
}

export interface NextRunsResponse {
  scheduleId: string;
  timeZone: string;
  cronExpression: string | null;
  nextRuns: string[];
  /** The nominal times above are when each run is due; each starts up to this many seconds later (0: on time). */
  jitterSeconds: number;
  /** Says how the jitter moves the starts; null without jitter. */
  jitterNote: string | null;
}
