import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@jim/persistence';
import { PageQuery, SortedPageQuery } from '../../common/paging';

export const EXECUTION_SORT_KEYS = ['status', 'startedAt', 'completedAt', 'queuedAt'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ExecutionListQuery extends SortedPageQuery {
  @ApiPropertyOptional({ type: 'string', format: 'uuid', description: 'Only the executions of this schedule' })
  @IsOptional() @IsString({ message: 'must be a string' }) @Matches(UUID, { message: 'must be a UUID' })
  scheduleId?: string;

  @ApiPropertyOptional({ enum: [...EXECUTION_STATUSES], description: 'Only executions with this status' })
  @IsOptional() @IsIn(EXECUTION_STATUSES, { message: `must be one of ${EXECUTION_STATUSES.join(', ')}` })
  status?: ExecutionStatus;

  @ApiPropertyOptional({ type: 'string', maxLength: 30, example: 'startedAt', description: 'Sort key, case-insensitive: status, startedAt, completedAt or queuedAt (default: queuedAt)' })
  @IsOptional() @IsString({ message: 'must be a string' }) @MaxLength(30, { message: 'must be at most 30 characters' })
  sortBy?: string;
}

export class SkippedRunListQuery extends PageQuery {}
