export * from './api-key.entity';
export * from './configuration-change.entity';
export * from './connected-system.entity';
export * from './enums';
export * from './run-profile.entity';
export * from './schedule-execution-step.entity';
export * from './schedule-execution.entity';
export * from './schedule-step.entity';
export * from './schedule.entity';
export * from './skipped-run.entity';
export * from './step-definition.columns';
export * from './schedule-execution-step-attempt.entity';
export * from './connected-system-hold.entity';

import { ApiKey } from './api-key.entity';
import { ConfigurationChange } from './configuration-change.entity';
import { ConnectedSystem } from './connected-system.entity';
import { RunProfile } from './run-profile.entity';
import { ScheduleExecutionStep } from './schedule-execution-step.entity';
import { ScheduleExecution } from './schedule-execution.entity';
import { ScheduleStep } from './schedule-step.entity';
import { Schedule } from './schedule.entity';
import { SkippedRun } from './skipped-run.entity';
import { ScheduleExecutionStepAttempt } from './schedule-execution-step-attempt.entity';
import { ConnectedSystemHold } from './connected-system-hold.entity';

export const ENTITIES = [
  ApiKey,
  ConfigurationChange,
  ConnectedSystem,
  RunProfile,
  Schedule,
  ScheduleStep,
  ScheduleExecution,
  ScheduleExecutionStep,
  SkippedRun,
  ScheduleExecutionStepAttempt,
  ConnectedSystemHold,
];
