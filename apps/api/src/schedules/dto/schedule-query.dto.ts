import { IsISO8601, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SortedPageQuery, ToInt } from '../../common/paging';

export class ScheduleListQuery extends SortedPageQuery {
  @IsOptional() @IsString() @MaxLength(200, { message: 'must be at most 200 characters' })
  search?: string;

  @IsOptional() @IsString() @MaxLength(30)
  sortBy?: string;
}

export class NextRunsQuery {
  @IsOptional() @ToInt() @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' }) @Max(100, { message: 'must be at most 100' })
  count?: number;

  @IsOptional() @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date and time' })
  after?: string;
}

export class ChangeReasonQuery {
  @IsOptional() @IsString() @MaxLength(2000, { message: 'must be at most 2000 characters' })
  changeReason?: string;
}
