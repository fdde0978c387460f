import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MAX_BACKFILL_RUNS } from '@jim/contracts';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import { uuidPipe } from '../common/uuid.pipe';
import { ApiAuthErrors, ApiErrors, notFound } from '../openapi/api-responses';
import { BackfillProgressResponse, BackfillRequest, BackfillResponse } from './backfill.dto';
import { BackfillsService } from './backfills.service';

const scheduleId = uuidPipe('Schedule');
const backfillId = uuidPipe('Backfill');

/** Runs of a schedule for the fire times of a range, one execution per nominal time. */
@ApiTags('Schedules')
@ApiAuthErrors()
@Controller('api/v1/schedules/:id')
@RequireRole('Administrator')
export class BackfillsController {
  constructor(private readonly backfills: BackfillsService) {}

  @ApiOperation({
    summary: 'Backfill a schedule',
    description: `One execution per nominal fire time of the schedule in [startTime, endTime) (at most ${MAX_BACKFILL_RUNS}), trigger kind Backfill, scheduledFor the nominal time. By default they run one after another, in order, after the schedule's active executions (overlapPolicy BufferAll); AllowAll starts them all at once. The schedule need not be enabled. Follow it with GET …/backfills/{backfillId}; POST …/backfills/{backfillId}/cancel stops the rest.`,
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiAcceptedResponse({ type: BackfillResponse, description: 'Accepted: the executions are created; the first starts (or all, with AllowAll).' })
  @ApiErrors({
    400: `VALIDATION_ERROR: startTime or endTime is not an RFC 3339 date-time, endTime is not after startTime, the range holds no fire time or more than ${MAX_BACKFILL_RUNS} (the message says how many), or overlapPolicy is not BufferAll or AllowAll. BAD_REQUEST: the schedule has no cron trigger, or no steps.`,
    404: notFound('Schedule not found: {id}'),
  })
  @Post('backfill')
  @HttpCode(202)
  create(@Param('id', scheduleId) id: string, @Body() body: BackfillRequest, @CurrentPrincipal() principal: Principal): Promise<BackfillResponse> {
    return this.backfills.create(id, body, initiatorOf(principal));
  }

  @ApiOperation({ summary: 'Backfill progress', description: 'The backfill, its executions by status, and each execution with its nominal fire time.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiParam({ name: 'backfillId', format: 'uuid', description: 'Backfill id' })
  @ApiOkResponse({ type: BackfillProgressResponse, description: 'The backfill and its progress.' })
  @ApiErrors({ 404: notFound('Backfill not found: {backfillId}') })
  @Get('backfills/:backfillId')
  progress(@Param('id', scheduleId) id: string, @Param('backfillId', backfillId) backfill: string): Promise<BackfillProgressResponse> {
    return this.backfills.progress(id, backfill);
  }

  @ApiOperation({ summary: 'Cancel a backfill', description: 'Stops the rest: every execution of the backfill not yet started is cancelled; one already running finishes (cancel it as any execution to stop it).' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiParam({ name: 'backfillId', format: 'uuid', description: 'Backfill id' })
  @ApiOkResponse({ type: BackfillProgressResponse, description: 'The backfill after cancelling.' })
  @ApiErrors({ 400: 'BAD_REQUEST: every execution of the backfill has already finished.', 404: notFound('Backfill not found: {backfillId}') })
  @Post('backfills/:backfillId/cancel')
  @HttpCode(200)
  cancel(@Param('id', scheduleId) id: string, @Param('backfillId', backfillId) backfill: string): Promise<BackfillProgressResponse> {
    return this.backfills.cancel(id, backfill);
  }
}
