import { ApiProperty } from '@nestjs/swagger';
import type * as Contract from '@jim/contracts';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@jim/contracts';
import {
  pickFields,
  SCHEDULE_FIELDS,
  STEP_FIELDS,
  type ScheduleDetail,
  type ScheduleField,
  type ScheduleFields,
  type ScheduleSummary,
  type StepField,
  type StepFields,
  type StoredStep,
} from '@jim/persistence';
import { maskConnectionString } from '@jim/steps';
import { iso } from '../../common/iso';
import { ResponseFieldsOf } from '../../common/response-type';
import { ScheduleRequest, ScheduleStepRequest } from './schedule-request.dto';

/** A step's fields as the request declares them (see ResponseFieldsOf), its id and the names of what it runs. */
export class ScheduleStepResponse
  extends ResponseFieldsOf<StepFields, StepField>(ScheduleStepRequest, STEP_FIELDS, {
    executionMode: 'Sequential for the first step of an index, ParallelWithPrevious for the others',
  })
  implements Contract.ScheduleStepResponse
{
  @ApiProperty({ format: 'uuid', description: 'Step id; send it back on PUT to update this step' })
  id: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'Corporate LDAP', description: 'Name of the connected system (RunProfile steps)' })
  connectedSystemName: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'Delta Import', description: 'Name of the run profile (RunProfile steps)' })
  runProfileName: string | null;
  /** Password masked; send the masked value back unchanged to keep the stored secret. */
  @ApiProperty({ type: 'string', nullable: true, description: 'Connection string (SqlScript steps) with the password masked; send it back unchanged to keep the stored secret' })
  sqlConnectionString: string | null;
}

/** A schedule's fields as the request declares them (see ResponseFieldsOf), and what the server keeps about it. */
export class ScheduleResponse
  extends ResponseFieldsOf<ScheduleFields, ScheduleField>(ScheduleRequest, SCHEDULE_FIELDS, {
    isEnabled: 'Whether the schedule fires on its trigger',
    cronExpression: 'The cron expression the schedule fires on: as sent for Custom, generated for SpecificTimes and Interval, null for Manual',
  })
  implements Contract.ScheduleResponse
{
  @ApiProperty({ format: 'uuid', description: 'Schedule id' })
  id: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the schedule last started an execution' })
  lastRunTime: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it fires next; null when disabled or Manual' })
  nextRunTime: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of steps' })
  stepCount: number;
  @ApiProperty({ format: 'date-time', description: 'When the schedule was created' })
  created: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the schedule was last changed' })
  lastUpdated: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The latest execution (by queue time), if any' })
  lastExecutionId: string | null;
  @ApiProperty({ enum: [...EXECUTION_STATUSES], nullable: true, description: 'Status of the latest execution' })
  lastExecutionStatus: ExecutionStatus | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Step group the latest execution reached (0-based)' })
  lastExecutionCurrentStepIndex: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Number of step groups of the latest execution' })
  lastExecutionTotalSteps: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the latest execution finished' })
  lastExecutionCompletedAt: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why the latest execution failed, if it did' })
  lastExecutionErrorMessage: string | null;
}

export class ScheduleDetailResponse extends ScheduleResponse implements Contract.ScheduleDetailResponse {
  @ApiProperty({ type: () => [ScheduleStepResponse], description: 'The steps, ordered by stepIndex' })
  steps: ScheduleStepResponse[];
}

export class NextRunsResponse implements Contract.NextRunsResponse {
  @ApiProperty({ format: 'uuid', description: 'Schedule id' })
  scheduleId: string;
  @ApiProperty({ example: 'Europe/London', description: 'IANA time zone of the schedule' })
  timeZone: string;
  @ApiProperty({ type: 'string', nullable: true, example: '0 6 * * 1,2,3,4,5', description: 'The cron expression the times come from; null for Manual' })
  cronExpression: string | null;
  @ApiProperty({ type: [String], format: 'date-time', example: ['2026-07-13T05:00:00.000Z', '2026-07-14T05:00:00.000Z'], description: 'The next fire times (UTC), in order; empty for Manual schedules' })
  nextRuns: string[];
  @ApiProperty({ type: 'integer', description: 'The times above are nominal; each run starts up to this many seconds later (0: on time)' })
  jitterSeconds: number;
  @ApiProperty({ type: 'string', nullable: true, example: 'Each run starts up to 30 s after the time shown (jitter), by a delay fixed per run.', description: 'The jitter in words; null without jitter' })
  jitterNote: string | null;
}

/** The response of a schedule: its fields as stored, its times as ISO text and its latest execution flattened. */
export function scheduleResponse(schedule: ScheduleSummary): ScheduleResponse {
  const { id, lastRunTime, nextRunTime, stepCount, created, lastUpdated, lastExecution } = schedule;
  return {
    id,
    ...pickFields(SCHEDULE_FIELDS, schedule),
    lastRunTime: iso(lastRunTime),
    nextRunTime: iso(nextRunTime),
    stepCount,
    created: iso(created)!,
    lastUpdated: iso(lastUpdated),
    lastExecutionId: lastExecution?.id ?? null,
    lastExecutionStatus: lastExecution?.status ?? null,
    lastExecutionCurrentStepIndex: lastExecution?.currentStepIndex ?? null,
    lastExecutionTotalSteps: lastExecution?.totalSteps ?? null,
    lastExecutionCompletedAt: iso(lastExecution?.completedAt),
    lastExecutionErrorMessage: lastExecution?.errorMessage ?? null,
  };
}

export function scheduleDetailResponse(schedule: ScheduleDetail): ScheduleDetailResponse {
  return { ...scheduleResponse(schedule), steps: schedule.steps.map(stepResponse) };
}

/** A step's fields as stored, the names of what it runs, and its connection string with the password masked. */
function stepResponse(step: StoredStep): ScheduleStepResponse {
  return {
    id: step.id,
    ...pickFields(STEP_FIELDS, step),
    connectedSystemName: step.connectedSystemName,
    runProfileName: step.runProfileName,
    sqlConnectionString: step.sqlConnectionString === null ? null : maskConnectionString(step.sqlConnectionString),
  };
}
