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
/** What a run of a step left: by a step run as a whole, and by each of its attempts. */
export interface StepRunResult {
  exitCode: number | null;
  stdoutTail: string | null;
  stderrTail: string | null;
  errorMessage: string | null;
  activityId: string | null;
}

export interface ScheduleExecutionStepResponse
  extends Omit<ScheduleStepResponse, 'id' | 'name' | 'workingDirectory' | 'sqlConnectionString'>,
    StepRunResult {
  id: string;
  stepId: string;
  groupOrdinal: number;
  name: string;
  status: StepStatus;
  startedAt: string | null;
  completedAt: string | null;
  activityStatus: string | null;
  progress: RunProfileProgressResponse | null;
  /** The attempt being run, or the last one run (1-based). */
  attempt: number;
  /** While a retry waits: when it falls due. */
  nextAttemptAt: string | null;
  /** The finished attempts, oldest first. */
  attempts: StepAttemptResponse[];
  /** While WaitingForResource: the connected system waited for, who holds it and the step's place in line. */
  waitingFor: ResourceWaitResponse | null;
}

/** A RunProfile step waiting in line for its exclusive connected system. */
export interface ResourceWaitResponse {
  connectedSystemId: number;
  /** The execution whose step holds the system now; null while it is being handed over. */
  heldByExecutionId: string | null;
  /** 1 for the next step to get the system. */
  placeInLine: number;
  /** When the step joined the line. */
  since: string;
}

/** One finished attempt of an execution step. */
export interface StepAttemptResponse extends StepRunResult {
  attempt: number;
  startedAt: string | null;
  completedAt: string;
  /** Completed, CompletedWithWarning, CompletedWithError, Failed, Cancelled, or TimedOut. */
  outcome: string;
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
