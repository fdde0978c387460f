import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { ValidationError } from '@jim/common';

export const MAX_PAGE_SIZE = 100;
export const MAX_SKIP = 1_000_000;

/** Query strings arrive as text: convert only clean integers and booleans, so "abc" is an error, not NaN. */
export const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value));
export const ToBool = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1, description: 'Page number (1-based, default: 1)' })
  @IsOptional() @ToInt() @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' })
  page?: number;

  /** Above the maximum is clamped (the envelope reports the size used), as in the original API. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000000, example: 20, description: 'Items per page (default: 20; 25 for connected systems and change history). Values above 100 are treated as 100.' })
  @IsOptional() @ToInt() @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' }) @Max(1_000_000, { message: 'is too large' })
  pageSize?: number;
}

export class SortedPageQuery extends PageQuery {
  @ApiPropertyOptional({ type: 'boolean', description: 'Sort in descending order (default: false for schedules; true, newest first, for schedule executions)' })
  @IsOptional() @ToBool() @IsBoolean({ message: 'must be true or false' })
  sortDescending?: boolean;
}

export interface Paging {
  page: number;
  pageSize: number;
  skip: number;
}

export function paging(query: PageQuery, defaultPageSize = 20): Paging {
  const page = query.page ?? 1;
  const pageSize = Math.min(query.pageSize ?? defaultPageSize, MAX_PAGE_SIZE);
  const skip = (page - 1) * pageSize;
  if (skip > MAX_SKIP) {
    const deepest = Math.floor(MAX_SKIP / pageSize) + 1;
    const message = `Page ${page} is beyond the maximum retrieval depth of 1,000,000 rows (the deepest page at a page size of ${pageSize} is ${deepest}). Narrow the result set with a filter or search rather than paging so deep.`;
    throw new ValidationError({ page: [message] }, message);
  }
  return { page, pageSize, skip };
}

export interface PagedResponse<T> {
  items: T[];
  totalCount: number;
  page: number;
  pageSize: number;
  totalPages: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function pagedResponse<T>(items: T[], totalCount: number, { page, pageSize }: Paging): PagedResponse<T> {
  const totalPages = Math.ceil(totalCount / pageSize);
  return { items, totalCount, page, pageSize, totalPages, hasNextPage: page < totalPages, hasPreviousPage: page > 1 };
}

export { Type };
