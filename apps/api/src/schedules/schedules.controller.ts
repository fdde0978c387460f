import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CREATE_SCHEDULE_EXAMPLES, UPDATE_SCHEDULE_EXAMPLES } from '@jim/contracts';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { initiatorOf, type Principal } from '../auth/principal';
import type { PagedResponse } from '../common/paging';
import { ApiAuthErrors, ApiErrors, ApiPagedOkResponse, notFound } from '../openapi/api-responses';
import { uuidPipe } from '../common/uuid.pipe';
import { ChangeReasonBody, changeReasonOf } from './dto/change-reason.dto';
import { ChangeReasonQuery, NextRunsQuery, ScheduleListQuery } from './dto/schedule-query.dto';
import { ScheduleRequest } from './dto/schedule-request.dto';
import { NextRunsResponse, ScheduleDetailResponse, ScheduleResponse } from './dto/schedule-response.dto';
import { firingWarningOn } from './schedule-firing';
import { SchedulesService } from './schedules.service';

export const scheduleId = uuidPipe('Schedule');

const CHANGE_REASON_BODY = 'Optional: changeReason in a JSON body instead of the query (for reasons too long for a URL). Not in both.';
const CHANGE_REASON_ERRORS = 'VALIDATION_ERROR: changeReason is too long, or is given in both the query and the body.';

@ApiTags('Schedules')
@ApiAuthErrors()
@Controller('api/v1/schedules')
@RequireRole('Administrator')
// A write whose job scheduler could not be updated answers with a Warning header (firingWarningOn).
export class SchedulesController {
  constructor(
    private readonly schedules: SchedulesService,
  ) {}

  @ApiOperation({ summary: 'List schedules', description: 'Schedules page by page, with the latest execution of each. Filter with search; sort with sortBy and sortDescending.' })
  @ApiPagedOkResponse(ScheduleResponse, 'A page of schedules.')
  @ApiErrors({ 400: 'VALIDATION_ERROR: a query parameter is invalid (page beyond the maximum depth, unknown sortBy).' })
  @Get()
  list(@Query() query: ScheduleListQuery): Promise<PagedResponse<ScheduleResponse>> {
    return this.schedules.list(query);
  }

  @ApiOperation({ summary: 'Create a schedule', description: 'Creates a new schedule. Steps can be included in the creation request or added afterwards (PUT with the full step list). For SpecificTimes and Interval patterns the server generates the cron expression; Custom takes cronExpression as given.' })
  @ApiBody({ type: ScheduleRequest, examples: CREATE_SCHEDULE_EXAMPLES })
  @ApiCreatedResponse({ type: ScheduleDetailResponse, description: 'Created: the full schedule, including its steps.', headers: { Location: { description: 'URL of the new schedule', schema: { type: 'string' } } } })
  @ApiErrors({ 400: 'VALIDATION_ERROR: invalid fields (e.g. name too long, invalid cron expression, missing step configuration, unknown connected system or run profile).', 409: "CONFLICT: a schedule with this name already exists (names are unique, ignoring case)." })
  @Post()
  async create(
    @Body() body: ScheduleRequest,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ScheduleDetailResponse> {
    const schedule = await this.schedules.create(body, initiatorOf(principal), firingWarningOn(response));
    response.location(`/api/v1/schedules/${schedule.id}`);
    return schedule;
  }

  @ApiOperation({ summary: 'Get a schedule', description: 'The schedule and its steps, ordered by stepIndex.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiOkResponse({ type: ScheduleDetailResponse, description: 'The schedule, including its steps.' })
  @ApiErrors({ 404: notFound('Schedule not found: {id}') })
  @Get(':id')
  get(@Param('id', scheduleId) id: string): Promise<ScheduleDetailResponse> {
    return this.schedules.get(id);
  }

  @ApiOperation({ summary: 'Update a schedule', description: 'Replaces the whole schedule. `steps` is the complete list: steps whose id is sent are updated, steps without an id are added, and existing steps not in the list are deleted.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiBody({ type: ScheduleRequest, examples: UPDATE_SCHEDULE_EXAMPLES })
  @ApiOkResponse({ type: ScheduleDetailResponse, description: 'The updated schedule, including its steps.' })
  @ApiErrors({ 400: true, 404: notFound('Schedule not found: {id}'), 409: 'CONFLICT: another schedule already has this name.' })
  @Put(':id')
  update(
    @Param('id', scheduleId) id: string,
    @Body() body: ScheduleRequest,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ScheduleDetailResponse> {
    return this.schedules.update(id, body, initiatorOf(principal), firingWarningOn(response));
  }

  @ApiOperation({ summary: 'Delete a schedule', description: 'Deletes the schedule and its steps. Its executions remain, without their schedule.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiBody({ type: ChangeReasonBody, required: false, description: CHANGE_REASON_BODY })
  @ApiErrors({ 400: CHANGE_REASON_ERRORS, 404: notFound('Schedule not found: {id}') })
  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Param('id', scheduleId) id: string,
    @Query() query: ChangeReasonQuery,
    @Body() body: ChangeReasonBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.schedules.remove(id, changeReasonOf(query, body), initiatorOf(principal), firingWarningOn(response));
  }

  @ApiOperation({ summary: 'Enable a schedule', description: 'The schedule fires on its trigger again (Cron schedules); nextRunTime is recomputed.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiOkResponse({ type: ScheduleResponse, description: 'The schedule, without its steps.' })
  @ApiBody({ type: ChangeReasonBody, required: false, description: CHANGE_REASON_BODY })
  @ApiErrors({ 400: CHANGE_REASON_ERRORS, 404: notFound('Schedule not found: {id}') })
  @Post(':id/enable')
  @HttpCode(200)
  enable(
    @Param('id', scheduleId) id: string,
    @Query() query: ChangeReasonQuery,
    @Body() body: ChangeReasonBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ScheduleResponse> {
    return this.schedules.setEnabled(id, true, changeReasonOf(query, body), initiatorOf(principal), firingWarningOn(response));
  }

  @ApiOperation({ summary: 'Disable a schedule', description: 'The schedule stops firing; it can still be run manually.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiOkResponse({ type: ScheduleResponse, description: 'The schedule, without its steps.' })
  @ApiBody({ type: ChangeReasonBody, required: false, description: CHANGE_REASON_BODY })
  @ApiErrors({ 400: CHANGE_REASON_ERRORS, 404: notFound('Schedule not found: {id}') })
  @Post(':id/disable')
  @HttpCode(200)
  disable(
    @Param('id', scheduleId) id: string,
    @Query() query: ChangeReasonQuery,
    @Body() body: ChangeReasonBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ScheduleResponse> {
    return this.schedules.setEnabled(id, false, changeReasonOf(query, body), initiatorOf(principal), firingWarningOn(response));
  }

  @ApiOperation({ summary: 'Preview next run times', description: 'The next times the schedule fires, computed exactly as the workers fire it (UTC). Empty for Manual schedules; disabled schedules are previewed as if enabled.' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Schedule id' })
  @ApiOkResponse({ type: NextRunsResponse, description: 'The next fire times.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: count or after is invalid.', 404: notFound('Schedule not found: {id}') })
  @Get(':id/next-runs')
  nextRuns(@Param('id', scheduleId) id: string, @Query() query: NextRunsQuery): Promise<NextRunsResponse> {
    return this.schedules.nextRuns(id, query.count ?? 10, query.after ?? new Date());
  }
}
