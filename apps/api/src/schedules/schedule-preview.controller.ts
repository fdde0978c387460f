import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { ApiAuthErrors, ApiErrors } from '../openapi/api-responses';
import {
  MAX_UPCOMING_FIRE_TIMES,
  MAX_UPCOMING_WINDOW_DAYS,
  PREVIEW_COUNT,
  TriggerPreviewRequest,
  TriggerPreviewResponse,
  UpcomingQuery,
  UpcomingResponse,
} from './dto/schedule-preview.dto';
import { SchedulePreviewService } from './schedule-preview.service';

/** Registered ahead of SchedulesController, so `upcoming` is not taken for a schedule id. */
@ApiTags('Schedules')
@ApiAuthErrors()
@Controller('api/v1/schedules')
@RequireRole('Administrator')
export class SchedulePreviewController {
  constructor(private readonly preview: SchedulePreviewService) {}

  @ApiOperation({
    summary: 'Upcoming fire times of every schedule',
    description: `Every enabled Cron schedule's fire times in (from, to], grouped by schedule, computed exactly as the workers fire them (UTC). The window is at most ${MAX_UPCOMING_WINDOW_DAYS} days and holds at most ${MAX_UPCOMING_FIRE_TIMES} fire times.`,
  })
  @ApiOkResponse({ type: UpcomingResponse, description: 'The fire times in the window, by schedule.' })
  @ApiErrors({ 400: `VALIDATION_ERROR: from or to is invalid, to is not after from or more than ${MAX_UPCOMING_WINDOW_DAYS} days after it, or the window holds more than ${MAX_UPCOMING_FIRE_TIMES} fire times.` })
  @Get('upcoming')
  upcoming(@Query() query: UpcomingQuery): Promise<UpcomingResponse> {
    const from = query.from ?? new Date();
    return this.preview.upcoming(from, query.to ?? new Date(from.getTime() + 24 * 3_600_000));
  }

  @ApiOperation({
    summary: 'Preview an unsaved trigger',
    description: `Compiles trigger fields (the same fields and validation as on create) without saving anything: the next ${PREVIEW_COUNT} fire times, the trigger in words, and the clock changes (DST gaps and overlaps) of its time zone with the runs they move.`,
  })
  @ApiBody({ type: TriggerPreviewRequest })
  @ApiOkResponse({ type: TriggerPreviewResponse, description: 'The compiled trigger and its next fire times.' })
  @ApiErrors({ 400: 'VALIDATION_ERROR: a trigger field is invalid; validationErrors names it, with the messages create would give.' })
  @Post('preview')
  @HttpCode(200)
  previewTrigger(@Body() body: TriggerPreviewRequest): TriggerPreviewResponse {
    return this.preview.preview(body, body.after ?? new Date());
  }
}
