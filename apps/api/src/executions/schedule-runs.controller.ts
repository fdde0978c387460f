import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import type { PagedResponse } from '../common/paging';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, badRequest, notFound } from '../openapi/api-responses';
import { RunQuery, SkippedRunListQuery } from './dto/execution-query.dto';
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

  @ApiOperation({ summary: 'Run a schedule now', description: "Starts an execution, whether the schedule is enabled or not. While another execution of it is active, the schedule's overlap policy applies: Skip answers 409, BufferOne and BufferAll queue the run behind the active one (status Queued), CancelPrevious cancels the active one first, AllowAll starts at once; ?overlap=AllowAll starts at once whatever the policy. The steps run on the workers; follow the execution with GET /api/v1/schedule-executions/{executionId}." })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiAcceptedResponse({ type: ScheduleRunResponse, description: 'Accepted: the execution has started, or waits for its turn (status Queued).' })
  @ApiErrors({
    400: badRequest('Cannot run a schedule with no steps'),
    404: notFound('Schedule not found: {id}'),
    409: "CONFLICT: another execution is active and the schedule's overlap policy does not start another one now (Skip, or BufferOne/BufferAll already full).",
  })
  @Post(':id/run')
  @HttpCode(202)
  run(@Param('id', scheduleId) id: string, @Query() query: RunQuery, @CurrentPrincipal() principal: Principal): Promise<ScheduleRunResponse> {
    return this.executions.run(id, initiatorOf(principal), query.overlap ?? null);
  }

  @ApiOperation({ summary: 'List skipped runs', description: "Cron fire times that did not start an execution, newest first, each with its reason: skipped or dropped by the schedule's overlap policy while another execution was active, missed (later than the catch-up window, or superseded by a later tick after an outage), or the schedule had no steps. See docs/policies.md." })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiPagedOkResponse(SkippedRunResponse, 'A page of skipped runs.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid.', 404: notFound('Schedule not found: {id}') })
  @Get(':id/skipped-runs')
  skippedRuns(@Param('id', scheduleId) id: string, @Query() query: SkippedRunListQuery): Promise<PagedResponse<SkippedRunResponse>> {
    return this.reader.skippedRuns(id, query);
  }
}
