import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type * as Contract from '@jim/contracts';
import { PATTERN_TYPES, TRIGGER_FIELD_NAMES, TRIGGER_TYPES, type PatternType, type TriggerType } from '@jim/contracts';
import { IsDateTime } from '../../common/date-time';
import { ScheduleRequest } from './schedule-request.dto';

/** The longest window GET /schedules/upcoming answers for, and the most fire times it returns. */
export const MAX_UPCOMING_WINDOW_DAYS = 7;
export const MAX_UPCOMING_FIRE_TIMES = 50_000;
export const PREVIEW_COUNT = 10;

export class UpcomingQuery {
  @ApiPropertyOptional({ type: 'string', format: 'date-time', example: '2026-07-13T00:00:00Z', description: 'Start of the window, exclusive (RFC 3339 with an offset; default: now)' })
  @IsOptional() @IsDateTime()
  from?: Date;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', example: '2026-07-14T00:00:00Z', description: `End of the window, inclusive: after from, at most ${MAX_UPCOMING_WINDOW_DAYS} days after it (default: from + 24 hours)` })
  @IsOptional() @IsDateTime()
  to?: Date;
}

export class UpcomingSchedule implements Contract.UpcomingSchedule {
  @ApiProperty({ format: 'uuid', description: 'Schedule id' }) scheduleId: string;
  @ApiProperty({ description: 'Schedule name' }) name: string;
  @ApiProperty({ example: 'Europe/London', description: 'IANA time zone of the schedule' }) timeZone: string;
  @ApiProperty({ type: 'string', example: '30 6 * * 1-5', description: 'The compiled cron expression' }) cronExpression: string | null;
  @ApiProperty({ description: 'The trigger in words, e.g. "weekdays at 06:30, Europe/London"' }) description: string;
  @ApiProperty({ type: [String], format: 'date-time', description: 'Fire times in the window, ascending (UTC)' }) fireTimes: string[];
}

export class UpcomingResponse implements Contract.UpcomingResponse {
  @ApiProperty({ format: 'date-time', description: 'Start of the window (exclusive)' }) from: string;
  @ApiProperty({ format: 'date-time', description: 'End of the window (inclusive)' }) to: string;
  @ApiProperty({ description: 'Fire times in the window, over every schedule' }) totalFireTimes: number;
  @ApiProperty({ type: [UpcomingSchedule], description: 'Every enabled Cron schedule, by name (with no fire times when none falls in the window)' })
  schedules: UpcomingSchedule[];
}

/** The trigger fields of a schedule, validated exactly as on create. */
export class TriggerPreviewRequest extends PickType(ScheduleRequest, TRIGGER_FIELD_NAMES) {
  @ApiPropertyOptional({ type: 'string', format: 'date-time', example: '2026-07-13T00:00:00Z', description: 'Fire times strictly after this instant (default: now)' })
  @IsOptional() @IsDateTime()
  after?: Date;
}

export class DstNoteResponse implements Contract.DstNote {
  @ApiProperty({ enum: ['gap', 'overlap'], description: 'gap: the clocks go forward and skip wall times; overlap: they go back and repeat them' }) kind: 'gap' | 'overlap';
  @ApiProperty({ format: 'date-time', description: 'The instant of the clock change' }) at: string;
  @ApiProperty({ example: '2026-03-29', description: 'The local date of the change' }) localDate: string;
  @ApiProperty({ example: '01:00', description: 'Local wall clock just before the change (HH:mm)' }) wallBefore: string;
  @ApiProperty({ example: '02:00', description: 'Local wall clock just after the change (HH:mm)' }) wallAfter: string;
  @ApiProperty({ type: [String], example: ['01:30'], description: "The trigger's wall times inside the skipped or repeated hour" }) affectedWallTimes: string[];
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the affected runs fire; null when none is affected' }) firesAt: string | null;
  @ApiProperty({ description: 'The note in words', example: 'On 2026-03-29 the clocks in Europe/London go forward from 01:00 to 02:00: 01:30 does not exist that day, so that run fires at 02:00 (2026-03-29T01:00:00.000Z).' })
  text: string;
}

export class TriggerPreviewResponse implements Contract.TriggerPreviewResponse {
  @ApiProperty({ enum: [...TRIGGER_TYPES], description: 'Cron or Manual' }) triggerType: TriggerType;
  @ApiProperty({ enum: [...PATTERN_TYPES], description: 'SpecificTimes, Interval or Custom' }) patternType: PatternType;
  @ApiProperty({ type: 'string', nullable: true, description: 'The cron expression the schedule would be stored with' }) cronExpression: string | null;
  @ApiProperty({ description: 'IANA time zone of the trigger' }) timeZone: string;
  @ApiProperty({ example: 'weekdays at 06:30 and 18:00, Europe/London', description: 'The trigger in words' }) description: string;
  @ApiProperty({ type: [String], format: 'date-time', description: `The next ${PREVIEW_COUNT} fire times (UTC), as next-runs will return them once saved` }) nextRuns: string[];
  @ApiProperty({ type: [DstNoteResponse], description: "The zone's clock changes over the next year (or up to the last previewed run, if later), each with the runs it moves" })
  dstNotes: DstNoteResponse[];
}
