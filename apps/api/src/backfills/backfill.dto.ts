import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsDateTime } from '../common/date-time';
import type * as Contract from '@jim/contracts';
import { BACKFILL_OVERLAP_POLICIES, EXECUTION_STATUSES, MAX_BACKFILL_RUNS, type BackfillOverlapPolicy, type ExecutionStatus } from '@jim/contracts';

/** The request as validated: the range's ends as instants. */
export class BackfillRequest implements Omit<Contract.BackfillRequest, 'startTime' | 'endTime'> {
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-07-01T00:00:00Z', description: 'Start of the range, inclusive (RFC 3339 with an offset)' })
  @IsDateTime()
  startTime: Date;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-07-08T00:00:00Z', description: `End of the range, exclusive (RFC 3339 with an offset). The range may hold at most ${MAX_BACKFILL_RUNS} fire times.` })
  @IsDateTime()
  endTime: Date;

  @ApiPropertyOptional({ enum: [...BACKFILL_OVERLAP_POLICIES], nullable: true, default: 'BufferAll', description: "BufferAll (default): one execution after another, in order of their fire times, after the schedule's active executions. AllowAll: every one starts at once." })
  @IsOptional() @IsIn(BACKFILL_OVERLAP_POLICIES, { message: `must be one of ${BACKFILL_OVERLAP_POLICIES.join(', ')} (a backfill runs one after another, or all at once)` })
  overlapPolicy?: BackfillOverlapPolicy | null;
}

export class BackfillResponse implements Contract.BackfillResponse {
  @ApiProperty({ format: 'uuid', description: 'The backfill: follow it with GET /api/v1/schedules/{id}/backfills/{backfillId}' }) backfillId: string;
  @ApiProperty({ format: 'uuid', description: 'Schedule id' }) scheduleId: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_BACKFILL_RUNS, description: 'Executions created: one per nominal fire time in the range' }) count: number;
  @ApiProperty({ format: 'date-time', description: 'Start of the range (inclusive)' }) startTime: string;
  @ApiProperty({ format: 'date-time', description: 'End of the range (exclusive)' }) endTime: string;
  @ApiProperty({ enum: [...BACKFILL_OVERLAP_POLICIES], description: 'One after another (BufferAll) or all at once (AllowAll)' }) overlapPolicy: BackfillOverlapPolicy;
}

class BackfillExecution {
  @ApiProperty({ format: 'uuid', description: 'Execution id' }) id: string;
  @ApiProperty({ format: 'date-time', description: 'The nominal fire time it runs for' }) scheduledFor: string;
  @ApiProperty({ enum: [...EXECUTION_STATUSES], description: 'Its status: Queued while it waits for its turn' }) status: ExecutionStatus;
}

export class BackfillProgressResponse extends BackfillResponse implements Contract.BackfillProgressResponse {
  @ApiProperty({ enum: ['Running', 'Complete', 'Cancelled'], description: 'Running while any execution is Queued or InProgress; then Complete, or Cancelled once cancelled' })
  status: 'Running' | 'Complete' | 'Cancelled';
  @ApiProperty({ format: 'date-time', description: 'When the backfill was requested' }) created: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When it was cancelled; null unless it was' }) cancelledAt: string | null;
  @ApiProperty({ type: 'integer', description: 'Executions waiting for their turn' }) queued: number;
  @ApiProperty({ type: 'integer', description: 'Executions running' }) inProgress: number;
  @ApiProperty({ type: 'integer', description: 'Executions that completed' }) complete: number;
  @ApiProperty({ type: 'integer', description: 'Executions that failed' }) failed: number;
  @ApiProperty({ type: 'integer', description: 'Executions cancelled (by cancelling the backfill, or one by one)' }) cancelled: number;
  @ApiProperty({ type: [BackfillExecution], description: 'Its executions, by nominal fire time' }) executions: BackfillExecution[];
}
