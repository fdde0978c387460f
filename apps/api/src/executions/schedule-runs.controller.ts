import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import type { PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, badRequest, notFound } from '../openapi/api-responses';
import { SkippedRunListQuery } from './dto/execution-query.dto';
import { ScheduleRunResponse, SkippedRunResponse } from './dto/execution-response.dto';
import { ExecutionReader } from './execution-reader';
import { ExecutionsService } from './executions.service';

const scheduleId = uuidPipe('Schedule');

/** The execution side of a schedule: run it now, and see which cron runs were skipped. */
@ApiTags('Schedules')
@ApiAuthErrors()
@Controller('api/v1/schedules')
@RequireRole('Administrator')
export class ScheduleRunsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly reader: ExecutionReader,
  ) {}

  @ApiOperation({ summary: 'Run a schedule now', description: 'Starts an execution at once, whether the schedule is enabled or not, and even while another execution of it is active. The steps run on the workers; follow the execution with GET /api/v1/schedule-executions/{executionId}.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiAcceptedResponse({ type: ScheduleRunResponse, description: 'Accepted: the execution has started.' })
  @ApiErrors({ 400: badRequest('Cannot run a schedule with no steps'), 404: notFound('Schedule not found: {id}') })
  @Post(':id/run')
  @HttpCode(202)
  run(@Param('id', scheduleId) id: string, @CurrentPrincipal() principal: Principal): Promise<ScheduleRunResponse> {
    return this.executions.run(id, initiatorOf(principal));
  }

  @ApiOperation({ summary: 'List skipped runs', description: 'Cron fire times that did not start an execution (for example because the previous execution was still active), newest first.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiPagedOkResponse(SkippedRunResponse, 'A page of skipped runs.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid.', 404: notFound('Schedule not found: {id}') })
  @Get(':id/skipped-runs')
  skippedRuns(@Param('id', scheduleId) id: string, @Query() query: SkippedRunListQuery): Promise<PagedResponse<SkippedRunResponse>> {
    return this.reader.skippedRuns(id, query);
  }
}
