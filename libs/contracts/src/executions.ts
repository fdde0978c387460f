import type { ExecutionStatus, ExecutionTrigger, InitiatorType, StepStatus } from './enums';
import type { ScheduleStepResponse } from './schedules';

export interface ScheduleRunResponse {
  executionId: string;
  message: string;
  /** InProgress, or Queued behind the active execution (overlap policies BufferOne, BufferAll). */
  status: ExecutionStatus;
  /** Executions cancelled to make way for this one (overlap policy CancelPrevious). */
  cancelledExecutionIds: string[];
}

export interface ScheduleExecutionResponse {
  id: string;
  /** Null once the schedule has been deleted; the execution and its name snapshot remain. */
  scheduleId: string | null;
  scheduleName: string;
  status: ExecutionStatus;
  triggerKind: ExecutionTrigger;
  scheduledFor: string | null;
  /** Ordinal (0-based) of the step group reached. */
  currentStepIndex: number;
  /** Number of step groups. */
  totalSteps: number;
  queuedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  initiatedByType: InitiatorType;
  initiatedById: string | null;
  initiatedByName: string | null;
  errorMessage: string | null;
}

/** How far a RunProfile step's run has got in JIM, as last polled. */
export interface RunProfileProgressResponse {
  percentComplete: number | null;
  objectsProcessed: number | null;
  objectsToProcess: number | null;
  phase: string | null;
}

/** A step as it was when the execution started (its definition, less the working directory and secrets), and what happened. */
export interface ScheduleExecutionStepResponse extends Omit<ScheduleStepResponse, 'id' | 'name' | 'workingDirectory' | 'sqlConnectionString'> {
  id: string;
  stepId: string;
  groupOrdinal: number;
  name: string;
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  exitCode: number | null;
  stdoutTail: string | null;
  stderrTail: string | null;
  errorMessage: string | null;
  activityId: string | null;
  activityStatus: string | null;
  progress: RunProfileProgressResponse | null;
}

export interface ExecutionProgressGroup {
  stepIndex: number;
  /** The step's name, or "N in parallel" for a group of several steps. */
  name: string;
  status: StepStatus;
  /** The statuses of the group's steps, worst outcome first. */
  taskStatuses: StepStatus[];
  isParallel: boolean;
}

export interface ExecutionProgress {
  /** 1-based number of the group being run while the execution is active; null once it has finished. */
  currentStepNumber: number | null;
  totalSteps: number;
  steps: ExecutionProgressGroup[];
}

export interface ScheduleExecutionDetailResponse extends ScheduleExecutionResponse {
  steps: ScheduleExecutionStepResponse[];
  progress: ExecutionProgress;
}

export interface SkippedRunResponse {
  id: string;
  scheduleId: string;
  scheduledFor: string;
  reason: string;
  activeExecutionId: string | null;
  recordedAt: string;
}
