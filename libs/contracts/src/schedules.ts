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
  /** How many times the step may run (1-10, default 1: no retry). */
  maxAttempts?: number | null;
  /** Seconds before the first retry (1-3600, default 30), doubled for each further one, at most an hour. */
  retryDelaySeconds?: number | null;
  /** Whether a timed-out attempt is retried (default false). */
  retryOnTimeout?: boolean | null;
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
  maxAttempts: number;
  retryDelaySeconds: number;
  retryOnTimeout: boolean;
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

/**
 * The fields only some step types use: a step keeps those of its type, and the others are null. The API normalises a
 * step with this table; the CLI offers its options by it.
 */
export const STEP_TYPE_FIELDS = {
  RunProfile: ['connectedSystemId', 'runProfileId'],
  PowerShell: ['scriptPath', 'arguments', 'workingDirectory'],
  Executable: ['executablePath', 'arguments', 'workingDirectory'],
  SqlScript: ['sqlConnectionString', 'sqlScriptPath'],
} as const satisfies Record<ScheduleStepType, readonly (keyof ScheduleStepRequest & keyof ScheduleStepResponse)[]>;

export type StepTypeField = (typeof STEP_TYPE_FIELDS)[ScheduleStepType][number];

/** Of those, the field naming the file a step of the type runs or reads: what the allowed script roots apply to. */
export const STEP_FILE_FIELD = {
  PowerShell: 'scriptPath',
  Executable: 'executablePath',
  SqlScript: 'sqlScriptPath',
} as const satisfies Partial<{ [T in ScheduleStepType]: (typeof STEP_TYPE_FIELDS)[T][number] }>;

export type StepFileField = (typeof STEP_FILE_FIELD)[keyof typeof STEP_FILE_FIELD];

/** A request body and what it shows, as the API reference lists it. */
export interface ScheduleRequestExample {
  summary: string;
  value: ScheduleRequest;
}

/** The request bodies of the "Create a Schedule" documentation page: the examples of POST /api/v1/schedules. */
export const CREATE_SCHEDULE_EXAMPLES: Readonly<Record<string, ScheduleRequestExample>> = {
  morningImport: {
    summary: 'Specific times: weekdays at 06:00',
    value: { name: 'Morning Import', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:00', isEnabled: true },
  },
  fullPipeline: {
    summary: 'Sequential steps: import, then sync, then export',
    value: {
      name: 'Full Pipeline',
      triggerType: 'Manual',
      steps: [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
        { stepIndex: 2, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 3 },
      ],
    },
  },
  manual: {
    summary: 'Manual trigger',
    value: { name: 'Ad-Hoc Full Sync', description: 'Full import and sync, triggered manually when needed', triggerType: 'Manual' },
  },
  threeDaily: {
    summary: 'Specific times: every day at 06:00, 12:00 and 18:00',
    value: { name: 'Three-Daily Sync', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '0,1,2,3,4,5,6', runTimes: '06:00,12:00,18:00', isEnabled: true },
  },
  weekend: {
    summary: 'Specific times: weekends only at 02:00',
    value: { name: 'Weekend Full Import', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '0,6', runTimes: '02:00', isEnabled: true },
  },
  businessHours: {
    summary: 'Interval: every 30 minutes on weekdays between 08:00 and 18:00',
    value: {
      name: 'Delta Sync (Business Hours)',
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '1,2,3,4,5',
      intervalValue: 30,
      intervalUnit: 'Minutes',
      intervalWindowStart: '08:00',
      intervalWindowEnd: '18:00',
      isEnabled: true,
    },
  },
  everyTwoHours: {
    summary: 'Interval: every 2 hours, all day, every day',
    value: {
      name: 'Regular Sync',
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '0,1,2,3,4,5,6',
      intervalValue: 2,
      intervalUnit: 'Hours',
      intervalWindowStart: '00:00',
      intervalWindowEnd: '23:59',
      isEnabled: true,
    },
  },
  morningInterval: {
    summary: 'Interval: every 15 minutes on weekdays during the morning',
    value: {
      name: 'Frequent Morning Sync',
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '1,2,3,4,5',
      intervalValue: 15,
      intervalUnit: 'Minutes',
      intervalWindowStart: '07:00',
      intervalWindowEnd: '12:00',
      isEnabled: true,
    },
  },
  firstMonday: {
    summary: 'Custom cron: first Monday of every month at 03:00',
    value: { name: 'Monthly Full Import', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 3 1-7 * 1', isEnabled: true },
  },
  everyFiveMinutes: {
    summary: 'Custom cron: every 5 minutes (continuous delta sync)',
    value: { name: 'Continuous Delta Sync', triggerType: 'Cron', patternType: 'Custom', cronExpression: '*/5 * * * *', isEnabled: true },
  },
  quarterly: {
    summary: 'Custom cron: quarterly (first day of Jan, Apr, Jul, Oct at 01:00)',
    value: { name: 'Quarterly Audit Export', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 1 1 1,4,7,10 *', isEnabled: true },
  },
  parallel: {
    summary: 'Parallel steps: import from two systems at the same time',
    value: {
      name: 'Multi-System Sync',
      triggerType: 'Manual',
      steps: [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 0, stepType: 'RunProfile', executionMode: 'ParallelWithPrevious', connectedSystemId: 2, runProfileId: 3 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
        { stepIndex: 1, stepType: 'RunProfile', executionMode: 'ParallelWithPrevious', connectedSystemId: 2, runProfileId: 4 },
        { stepIndex: 2, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 5 },
      ],
    },
  },
  mixed: {
    summary: 'Mixed step types: PowerShell scripts around run profiles',
    value: {
      name: 'Import with Pre and Post Scripts',
      triggerType: 'Manual',
      steps: [
        { stepIndex: 0, stepType: 'PowerShell', name: 'Pre-import validation', scriptPath: '/opt/jim/scripts/validate-source.ps1', timeoutSeconds: 300 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 2, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
        {
          stepIndex: 3,
          stepType: 'PowerShell',
          name: 'Post-sync notifications',
          scriptPath: '/opt/jim/scripts/send-report.ps1',
          arguments: '-ReportType Summary -SendEmail',
          continueOnFailure: true,
          timeoutSeconds: 120,
        },
      ],
    },
  },
};

/** PUT sends the whole schedule: the steps listed are all the steps it keeps. */
export const UPDATE_SCHEDULE_EXAMPLES: Readonly<Record<string, ScheduleRequestExample>> = {
  fullPipeline: {
    summary: 'Replace the trigger and the step list',
    value: {
      name: 'Full Pipeline',
      triggerType: 'Cron',
      patternType: 'SpecificTimes',
      daysOfWeek: '1,2,3,4,5',
      runTimes: '06:00',
      isEnabled: true,
      steps: [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 1 },
        { stepIndex: 1, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 2 },
      ],
      changeReason: 'Run the pipeline every weekday morning',
    },
  },
};

/** Every trigger field, each once: a record, so the compiler checks it against TriggerFields. */
const TRIGGER_FIELD_SET: Readonly<Record<keyof TriggerFields, true>> = {
  triggerType: true,
  patternType: true,
  daysOfWeek: true,
  runTimes: true,
  intervalValue: true,
  intervalUnit: true,
  intervalWindowStart: true,
  intervalWindowEnd: true,
  cronExpression: true,
  timeZone: true,
};

/** The names of the trigger fields, in TriggerFields' order: what a trigger preview takes. */
export const TRIGGER_FIELD_NAMES = Object.keys(TRIGGER_FIELD_SET) as readonly (keyof TriggerFields)[];

/**
 * What a field every step type has becomes when a request leaves it out or sends null (documented as its default):
 * the timeout null stands for the workers' default step timeout.
 */
export const STEP_DEFAULTS = {
  continueOnFailure: false,
  timeoutSeconds: null,
  maxAttempts: 1,
  retryDelaySeconds: 30,
  retryOnTimeout: false,
} as const satisfies Partial<{ [K in keyof ScheduleStepResponse]: ScheduleStepResponse[K] }>;
