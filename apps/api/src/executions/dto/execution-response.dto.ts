import { ApiProperty, IntersectionType, OmitType } from '@nestjs/swagger';
import type * as Contract from '@jim/contracts';
import {
  EXECUTION_STATUSES,
  INITIATOR_TYPES,
  STEP_STATUSES,
  EXECUTION_TRIGGERS,
  type ExecutionStatus,
  type ExecutionTrigger,
  type InitiatorType,
  type StepStatus,
} from '@jim/contracts';
import { ScheduleStepResponse } from '../../schedules/dto/schedule-response.dto';

export class ScheduleRunResponse implements Contract.ScheduleRunResponse {
  @ApiProperty({ format: 'uuid', description: 'The execution just started' })
  executionId: string;
  @ApiProperty({ example: "Schedule 'Full Pipeline' started successfully", description: 'Confirmation' })
  message: string;
  @ApiProperty({ enum: ['InProgress', 'Queued'], description: 'InProgress, or Queued behind the active execution (overlap policies BufferOne, BufferAll)' })
  status: ExecutionStatus;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Executions cancelled to make way for this one (overlap policy CancelPrevious)' })
  cancelledExecutionIds: string[];
}

export class ScheduleExecutionResponse implements Contract.ScheduleExecutionResponse {
  @ApiProperty({ format: 'uuid', description: 'Execution id' })
  id: string;
  /** Null once the schedule has been deleted; the execution and its name snapshot remain. */
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The schedule; null once the schedule has been deleted' })
  scheduleId: string | null;
  @ApiProperty({ example: 'Full Pipeline', description: 'Name of the schedule when the execution started' })
  scheduleName: string;
  @ApiProperty({ enum: [...EXECUTION_STATUSES], description: 'Queued, InProgress, Complete, Failed or Cancelled' })
  status: ExecutionStatus;
  @ApiProperty({ enum: [...EXECUTION_TRIGGERS], description: 'Cron when the trigger fired it, Manual when it was run on request, Backfill for a fire time of a backfill' })
  triggerKind: ExecutionTrigger;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'The nominal fire time (Cron); null for manual runs' })
  scheduledFor: string | null;
  /** Ordinal (0-based) of the step group reached. */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Step group reached (0-based)' })
  currentStepIndex: number;
  /** Number of step groups. */
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of step groups' })
  totalSteps: number;
  @ApiProperty({ format: 'date-time', description: 'When the execution was created' })
  queuedAt: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When its first step started' })
  startedAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it finished' })
  completedAt: string | null;
  @ApiProperty({ enum: [...INITIATOR_TYPES], description: 'Who started it: ApiKey for a manual run, System for a cron tick' })
  initiatedByType: InitiatorType;
  @ApiProperty({ type: 'string', nullable: true, description: 'Id of the initiator (the API key id for ApiKey)' })
  initiatedById: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Scheduler Service', description: 'Name of the initiator' })
  initiatedByName: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why it failed or was cancelled' })
  errorMessage: string | null;
}

/** How far a RunProfile step's run has got in JIM, as last polled. */
export class RunProfileProgressResponse implements Contract.RunProfileProgressResponse {
  @ApiProperty({ type: 'number', nullable: true, example: 42, description: 'Percent of the current phase done (one decimal); null when JIM does not know how many objects there are' })
  percentComplete: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 4200, description: 'Objects processed so far in the current phase' })
  objectsProcessed: number | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 10000, description: 'Objects to process in the current phase' })
  objectsToProcess: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'What JIM is doing now' })
  phase: string | null;
}

/** A RunProfile step waiting in line for its exclusive connected system. */
export class ResourceWaitResponse implements Contract.ResourceWaitResponse {
  @ApiProperty({ type: 'integer', description: 'The connected system waited for' })
  connectedSystemId: number;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The execution whose step holds the system now; null while it is being handed over' })
  heldByExecutionId: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'Place in line (FIFO); 1 is the next to get the system' })
  placeInLine: number;
  @ApiProperty({ format: 'date-time', description: 'When the step joined the line' })
  since: string;
}

/** What a run of a step left: the step run's as a whole, and each attempt's. */
export class StepRunResultResponse implements Contract.StepRunResult {
  @ApiProperty({ type: 'integer', nullable: true, description: 'Exit code (PowerShell and Executable steps)' })
  exitCode: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The end of the standard output, secrets redacted' })
  stdoutTail: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The end of the standard error, secrets redacted' })
  stderrTail: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why the run failed, if it did' })
  errorMessage: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: "JIM's activity for this run (RunProfile steps on JIM)" })
  activityId: string | null;
}

/** One finished attempt of an execution step. */
export class StepAttemptResponse extends StepRunResultResponse implements Contract.StepAttemptResponse {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'Attempt number (1-based)' })
  attempt: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the attempt started' })
  startedAt: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the attempt ended' })
  completedAt: string;
  @ApiProperty({ example: 'Failed', description: 'Completed, CompletedWithWarning, CompletedWithError, Failed, Cancelled, or TimedOut' })
  outcome: string;
}

/**
 * A step as it was when the execution started — the step's response, less the working directory and the SQL connection
 * string (never exposed) — and what happened when it ran.
 */
export class ScheduleExecutionStepResponse
  extends IntersectionType(OmitType(ScheduleStepResponse, ['id', 'name', 'workingDirectory', 'sqlConnectionString'] as const), StepRunResultResponse)
  implements Contract.ScheduleExecutionStepResponse
{
  @ApiProperty({ format: 'uuid', description: 'Id of this step run' })
  id: string;
  @ApiProperty({ format: 'uuid', description: 'The schedule step it ran' })
  stepId: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Ordinal (0-based) of the step group it belongs to' })
  groupOrdinal: number;
  @ApiProperty({ example: 'Step 1', description: 'The step name, or "Step N" for an unnamed step' })
  name: string;
  @ApiProperty({ enum: [...STEP_STATUSES], description: 'Where the step is' })
  status: StepStatus;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the step started' })
  startedAt: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the step finished' })
  completedAt: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'InProgress', description: "The JIM activity's status, as last polled" })
  activityStatus: string | null;
  @ApiProperty({ type: RunProfileProgressResponse, nullable: true, description: 'Progress of the JIM activity; null when none' })
  progress: RunProfileProgressResponse | null;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1, description: 'The attempt being run, or the last one run (1-based)' })
  attempt: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'While a retry waits (status Queued): when it falls due' })
  nextAttemptAt: string | null;
  @ApiProperty({ type: () => [StepAttemptResponse], description: 'The finished attempts, oldest first' })
  attempts: StepAttemptResponse[];
  @ApiProperty({ type: () => ResourceWaitResponse, nullable: true, description: 'While WaitingForResource: the connected system waited for, the execution holding it and the place in line' })
  waitingFor: ResourceWaitResponse | null;
}

export class ExecutionProgressGroup implements Contract.ExecutionProgressGroup {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'stepIndex of the group' })
  stepIndex: number;
  /** The step's name, or "N in parallel" for a group of several steps. */
  @ApiProperty({ example: '2 in parallel', description: 'The step name, or "N in parallel" for a group of several steps' })
  name: string;
  @ApiProperty({ enum: [...STEP_STATUSES], description: 'Status of the group as a whole' })
  status: StepStatus;
  /** The statuses of the group's steps, worst outcome first. */
  @ApiProperty({ enum: [...STEP_STATUSES], isArray: true, description: 'Statuses of the steps of the group, worst outcome first' })
  taskStatuses: StepStatus[];
  @ApiProperty({ description: 'Whether the group holds more than one step' })
  isParallel: boolean;
}

export class ExecutionProgress implements Contract.ExecutionProgress {
  /** 1-based number of the group being run while the execution is active; null once it has finished. */
  @ApiProperty({ type: 'integer', nullable: true, minimum: 1, description: '1-based number of the group being run while the execution is active; null once it has finished' })
  currentStepNumber: number | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of step groups' })
  totalSteps: number;
  @ApiProperty({ type: () => [ExecutionProgressGroup], description: 'One entry per step group' })
  steps: ExecutionProgressGroup[];
}

export class ScheduleExecutionDetailResponse extends ScheduleExecutionResponse implements Contract.ScheduleExecutionDetailResponse {
  @ApiProperty({ type: () => [ScheduleExecutionStepResponse], description: 'Every step of the execution, in order' })
  steps: ScheduleExecutionStepResponse[];
  @ApiProperty({ type: () => ExecutionProgress, description: 'Progress by step group' })
  progress: ExecutionProgress;
}

export class SkippedRunResponse implements Contract.SkippedRunResponse {
  @ApiProperty({ format: 'uuid', description: 'Id of the record' })
  id: string;
  @ApiProperty({ format: 'uuid', description: 'The schedule' })
  scheduleId: string;
  @ApiProperty({ format: 'date-time', description: 'The fire time that was skipped' })
  scheduledFor: string;
  @ApiProperty({ description: 'Why the run was skipped' })
  reason: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The execution still active at that time, if any' })
  activeExecutionId: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the skip was recorded' })
  recordedAt: string;
}
