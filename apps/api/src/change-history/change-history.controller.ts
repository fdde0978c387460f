import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { PageQuery, type PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, notFound } from '../openapi/api-responses';
import { ScheduleChangeHistory, changeVersionNotFound } from './change-history.service';
import { ChangeComparison, ChangeHistoryDetail, ChangeHistoryItem, CompareQuery, MAX_VERSION } from './dto/change-history.dto';

const scheduleId = uuidPipe('Schedule');

@ApiTags('Schedules')
@ApiAuthErrors()
@Controller('api/v1/schedules/:id/change-history')
@RequireRole('Administrator')
export class ScheduleChangeHistoryController {
  constructor(private readonly history: ScheduleChangeHistory) {}

  /** Newest version first. */
  @ApiOperation({ summary: 'List schedule changes', description: 'The versions of a schedule, newest first: who changed it, when, how and why. Deleted schedules keep their history.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiPagedOkResponse(ChangeHistoryItem, 'A page of changes.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid.', 404: notFound('Schedule not found: {id}') })
  @Get()
  list(@Param('id', scheduleId) id: string, @Query() query: PageQuery): Promise<PagedResponse<ChangeHistoryItem>> {
    return this.history.list(id, query);
  }

  /** Declared before `:version`, which would otherwise take "compare" as a version. */
  @ApiOperation({ summary: 'Compare schedule versions', description: 'Every field that differs between two versions of a schedule, steps matched by id.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiOkResponse({ type: ChangeComparison, description: 'The differences.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: fromVersion or toVersion is missing or not a positive integer.', 404: 'NOT_FOUND: no such schedule, or no such version of it.' })
  @Get('compare')
  compare(@Param('id', scheduleId) id: string, @Query() query: CompareQuery): Promise<ChangeComparison> {
    return this.history.compare(id, query.fromVersion, query.toVersion);
  }

  @ApiOperation({ summary: 'Get a schedule change', description: 'One version of a schedule, with the snapshot of the schedule and its steps after the change.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiParam({ name: 'version', type: 'integer', description: 'Version number (1 for the creation)' })
  @ApiOkResponse({ type: ChangeHistoryDetail, description: 'The change and its snapshot.' })
  @ApiErrors({ 404: 'NOT_FOUND: no such schedule, or no such version of it.' })
  @Get(':version')
  detail(@Param('id', scheduleId) id: string, @Param('version') version: string): Promise<ChangeHistoryDetail> {
    // Anything but a version number cannot name a version: not found, in the same words.
    const number = /^\d{1,10}$/.test(version) ? Number(version) : NaN;
    if (!(number >= 1 && number <= MAX_VERSION)) throw changeVersionNotFound(id, version);
    return this.history.detail(id, number);
  }
}
