import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@jim/contracts';
import { PageQuery, SortKey, SortedPageQuery } from '../../common/paging';

/** Every key sortBy takes (JIM's aliases included), each naming a column of ExecutionReader. */
export const EXECUTION_SORT_KEYS = ['status', 'startedAt', 'started', 'completedAt', 'completed', 'queuedAt', 'queued'] as const;
export type ExecutionSortKey = (typeof EXECUTION_SORT_KEYS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ExecutionListQuery extends SortedPageQuery {
  @ApiPropertyOptional({ type: 'string', format: 'uuid', description: 'Only the executions of this schedule' })
  @IsOptional() @IsString({ message: 'must be a string' }) @Matches(UUID, { message: 'must be a UUID' })
  scheduleId?: string;

  @ApiPropertyOptional({ enum: [...EXECUTION_STATUSES], description: 'Only executions with this status' })
  @IsOptional() @IsIn(EXECUTION_STATUSES, { message: `must be one of ${EXECUTION_STATUSES.join(', ')}` })
  status?: ExecutionStatus;

  @SortKey(EXECUTION_SORT_KEYS, 'queuedAt')
  sortBy?: string;
}

export class SkippedRunListQuery extends PageQuery {}

export class RunQuery {
  @ApiPropertyOptional({ enum: ['AllowAll'], description: "AllowAll: start now even while another execution is active, whatever the schedule's overlap policy. Without it the policy applies (Skip answers 409)." })
  @IsOptional() @IsIn(['AllowAll'], { message: "must be AllowAll (the only override of the schedule's overlap policy)" })
  overlap?: 'AllowAll';
}
