import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { NoQueryParameters, type PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, badRequest, notFound } from '../openapi/api-responses';
import { ExecutionListQuery } from './dto/execution-query.dto';
import { ScheduleExecutionDetailResponse, ScheduleExecutionResponse } from './dto/execution-response.dto';
import { ExecutionReader } from './execution-reader';
import { ExecutionsService } from './executions.service';

const executionId = uuidPipe('Schedule execution');

@ApiTags('Schedule executions')
@ApiAuthErrors()
@Controller('api/v1/schedule-executions')
@RequireRole('Administrator')
export class ScheduleExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly reader: ExecutionReader,
  ) {}

  @ApiOperation({ summary: 'List schedule executions', description: 'Executions page by page, newest first by default. Filter by scheduleId and status.' })
  @ApiPagedOkResponse(ScheduleExecutionResponse, 'A page of executions.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid (unknown sortBy or status, malformed scheduleId).' })
  @Get()
  list(@Query() query: ExecutionListQuery): Promise<PagedResponse<ScheduleExecutionResponse>> {
    return this.reader.list(query);
  }

  /** Declared before ':id' so "active" is never taken for an id. */
  @ApiOperation({ summary: 'List active executions', description: 'Every Queued or InProgress execution, oldest first (not paginated).' })
  @ApiOkResponse({ type: ScheduleExecutionResponse, isArray: true, description: 'The active executions.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: an unknown query parameter (this operation takes none).' })
  @NoQueryParameters()
  @Get('active')
  active(): Promise<ScheduleExecutionResponse[]> {
    return this.reader.active();
  }

  @ApiOperation({ summary: 'Get a schedule execution', description: 'The execution with each of its steps (status, times, exit code, output tails) and its progress by step group.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Execution id' })
  @ApiOkResponse({ type: ScheduleExecutionDetailResponse, description: 'The execution, its steps and its progress.' })
  @ApiErrors({ 404: notFound('Schedule execution not found: {id}') })
  @Get(':id')
  get(@Param('id', executionId) id: string): Promise<ScheduleExecutionDetailResponse> {
    return this.reader.detail(id);
  }

  @ApiOperation({ summary: 'Cancel a schedule execution', description: 'Cancels a Queued or InProgress execution; its steps not yet started never run.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Execution id' })
  @ApiOkResponse({ type: ScheduleExecutionResponse, description: 'The cancelled execution.' })
  @ApiErrors({ 400: { ...badRequest('Cannot cancel execution with status: Complete'), description: 'BAD_REQUEST: the execution has already finished.' }, 404: notFound('Schedule execution not found: {id}') })
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', executionId) id: string): Promise<ScheduleExecutionResponse> {
    return this.executions.cancel(id);
  }
}
