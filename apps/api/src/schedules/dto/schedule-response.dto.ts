import type { ExecutionMode, ExecutionStatus, IntervalUnit, PatternType, ScheduleStepType, TriggerType } from '@jim/persistence';

export class ScheduleStepResponse {
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

export class ScheduleResponse {
  id: string;
  name: string;
  description: string | null;
  triggerType: TriggerType;
  cronExpression: string | null;
  patternType: PatternType;
  daysOfWeek: string | null;
  runTimes: string | null;
  intervalValue: number | null;
  intervalUnit: IntervalUnit | null;
  intervalWindowStart: string | null;
  intervalWindowEnd: string | null;
  timeZone: string;
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

export class ScheduleDetailResponse extends ScheduleResponse {
  steps: ScheduleStepResponse[];
}

export class NextRunsResponse {
  scheduleId: string;
  timeZone: string;
  cronExpression: string | null;
  nextRuns: string[];
}
