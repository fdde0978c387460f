import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsDateTime } from '../../common/date-time';
import { SortKey, SortedPageQuery, ToBool, ToInt } from '../../common/paging';

/** Every key sortBy takes (JIM's aliases included), each naming a column ScheduleRepository sorts by. */
export const SCHEDULE_SORT_KEYS = ['name', 'isEnabled', 'enabled', 'status', 'lastRunTime', 'lastRun', 'nextRunTime', 'nextRun', 'created'] as const;
export type ScheduleSortKey = (typeof SCHEDULE_SORT_KEYS)[number];

export class ScheduleListQuery extends SortedPageQuery {
  @ApiPropertyOptional({ type: 'string', maxLength: 200, example: 'Sync', description: 'Case-insensitive text to find in the name or description' })
  @IsOptional() @IsString() @MaxLength(200, { message: 'must be at most 200 characters' })
  search?: string;

  @SortKey(SCHEDULE_SORT_KEYS, 'created')
  sortBy?: string;

  @ApiPropertyOptional({ type: 'boolean', description: 'true: only schedules with a RunProfile step whose run profile or connected system JIM no longer has' })
  @IsOptional() @ToBool() @IsBoolean({ message: 'must be true or false' })
  invalid?: boolean;
}

export class NextRunsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'How many fire times to return (1-100, default: 10)' })
  @IsOptional() @ToInt() @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' }) @Max(100, { message: 'must be at most 100' })
  count?: number;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', example: '2026-07-13T00:00:00Z', description: 'Fire times strictly after this instant (RFC 3339 with an offset, Z or ±hh:mm; default: now)' })
  @IsOptional() @IsDateTime()
  after?: Date;
}

export class ChangeReasonQuery {
  @ApiPropertyOptional({ type: 'string', maxLength: 2000, description: 'Why the change is made; recorded in the change history (max 2000 characters)' })
  @IsOptional() @IsString() @MaxLength(2000, { message: 'must be at most 2000 characters' })
  changeReason?: string;
}
