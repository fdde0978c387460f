import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { applyDecorators, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { Transform } from 'class-transformer';
import { ValidationError } from '@jim/common';
import type { PagedResponse } from '@jim/contracts';

export const MAX_PAGE_SIZE = 100;
export const MAX_SKIP = 1_000_000;
/** The deepest page there is (at a page size of 1); larger page sizes reach less deep, see paging(). */
export const MAX_PAGE = MAX_SKIP + 1;

/** Query strings arrive as text: convert only clean integers and booleans, so "abc" is an error, not NaN. */
export const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value));
export const ToBool = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1, description: `Page number (1-based, default: 1). At most ${MAX_SKIP.toLocaleString('en')} rows can be skipped: the deepest page is ${MAX_SKIP} / pageSize + 1 (${MAX_PAGE} at a page size of 1).` })
  @IsOptional() @ToInt() @IsInt({ message: 'must be an integer' }) @Min(1, { message: 'must be at least 1' }) @Max(MAX_PAGE, { message: `must be at most ${MAX_PAGE}` })
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

/**
 * A sort key from a fixed list, matched ignoring case. The list is the OpenAPI enum too, so the document names
 * exactly the keys the server takes.
 */
export const SortKey = (keys: readonly string[], defaultKey: string) => {
  const known = new Set(keys.map((key) => key.toLowerCase()));
  return applyDecorators(
    ApiPropertyOptional({ enum: [...keys], default: defaultKey, description: `Sort key, matched ignoring case (default: ${defaultKey})` }),
    IsOptional(),
    IsString({ message: 'must be a string' }),
    ValidateBy({
      name: 'isSortKey',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && known.has(value.toLowerCase()),
        defaultMessage: () => `must be one of ${keys.join(', ')}`,
      },
    }),
  );
};

/**
 * For list operations that take no query parameter: like the others, they refuse one they do not know rather than
 * ignore it.
 */
export const NoQueryParameters = () => UseInterceptors(refuseQueryParameters);

const refuseQueryParameters: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler) {
    const unknown = Object.keys(context.switchToHttp().getRequest<Request>().query ?? {});
    if (unknown.length > 0) throw new ValidationError(Object.fromEntries(unknown.map((name) => [name, ['is not a known property']])));
    return next.handle();
  },
};

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

export type { PagedResponse };

export function pagedResponse<T>(items: T[], totalCount: number, { page, pageSize }: Paging): PagedResponse<T> {
  const totalPages = Math.ceil(totalCount / pageSize);
  return { items, totalCount, page, pageSize, totalPages, hasNextPage: page < totalPages, hasPreviousPage: page > 1 };
}

export { Type };
