import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ValidationError } from '@jim/common';
import { Schedule } from '@jim/persistence';
import { compileTrigger, describeTrigger, type DstNote } from '@jim/trigger';
import type { DataSource } from 'typeorm';
import {
  MAX_UPCOMING_FIRE_TIMES,
  MAX_UPCOMING_WINDOW_DAYS,
  PREVIEW_COUNT,
  type DstNoteResponse,
  type TriggerPreviewRequest,
  type TriggerPreviewResponse,
  type UpcomingResponse,
  type UpcomingSchedule,
} from './dto/schedule-preview.dto';
import { triggerInputOfRequest } from './schedule-definition';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const DST_HORIZON_MS = 366 * DAY_MS;
/** Schedules read per statement by `upcoming`. */
const UPCOMING_BATCH = 1_000;

/** Fire times without saving anything: every schedule's in a window, and an unsaved trigger's next ones. */
@Injectable()
export class SchedulePreviewService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async upcoming(from: Date, to: Date): Promise<UpcomingResponse> {
    if (to.getTime() <= from.getTime()) throw ValidationError.field('to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_UPCOMING_WINDOW_DAYS * DAY_MS) {
      throw ValidationError.field('to', `must be at most ${MAX_UPCOMING_WINDOW_DAYS} days after from`);
    }
    const schedules: UpcomingSchedule[] = [];
    let total = 0;
    for await (const row of this.enabledCronSchedules()) {
      const compiled = compileTrigger(row);
      if (!compiled.ok) continue;
      const fireTimes: string[] = [];
      for (let at = compiled.trigger.next(from); at && at.getTime() <= to.getTime(); at = compiled.trigger.next(at)) {
        if (++total > MAX_UPCOMING_FIRE_TIMES) {
          throw ValidationError.field(
            'to',
            `the window holds more than ${MAX_UPCOMING_FIRE_TIMES} fire times over all enabled schedules; ask for a shorter window`,
          );
        }
        fireTimes.push(at.toISOString());
      }
      schedules.push({
        scheduleId: row.id,
        name: row.name,
        timeZone: row.timeZone,
        cronExpression: row.cronExpression,
        description: describeTrigger(compiled.trigger),
        fireTimes,
      });
    }
    return { from: from.toISOString(), to: to.toISOString(), totalFireTimes: total, schedules };
  }

  /**
   * Enabled Cron schedules by name (ignoring case, as names are unique), read in keyset batches along the unique
   * index on lower(name): the cap of fire times usually ends the walk long before the last schedule, and memory holds
   * one batch at a time, however many schedules there are.
   */
  private async *enabledCronSchedules(): AsyncGenerator<Schedule> {
    let after: string | null = null;
    for (;;) {
      const query = this.db
        .getRepository(Schedule)
        .createQueryBuilder('s')
        .addSelect('lower(s.name)', 'name_key')
        .where('s.isEnabled = true AND s.triggerType = :cron', { cron: 'Cron' })
        .orderBy('name_key', 'ASC')
        .limit(UPCOMING_BATCH);
      if (after !== null) query.andWhere('lower(s.name) > :after', { after });
      // The key is the database's lower(name), the index's own: no case mapping of JavaScript's in between.
      const { entities, raw } = await query.getRawAndEntities<{ name_key: string }>();
      yield* entities;
      if (entities.length < UPCOMING_BATCH) return;
      after = raw[raw.length - 1].name_key;
    }
  }

  preview(request: TriggerPreviewRequest, after: Date): TriggerPreviewResponse {
    const compiled = compileTrigger(triggerInputOfRequest(request));
    if (!compiled.ok) throw new ValidationError(compiled.errors);
    const { trigger } = compiled;
    const nextRuns = trigger.nextN(after, PREVIEW_COUNT);
    const horizon = Math.max(after.getTime() + DST_HORIZON_MS, nextRuns[nextRuns.length - 1]?.getTime() ?? 0);
    return {
      triggerType: trigger.fields.triggerType,
      patternType: trigger.fields.patternType,
      cronExpression: trigger.cronExpression,
      timeZone: trigger.timeZone,
      description: describeTrigger(trigger),
      nextRuns: nextRuns.map((d) => d.toISOString()),
      dstNotes: trigger.dstNotes(after, new Date(horizon)).map(dstNoteResponse),
    };
  }
}

function dstNoteResponse(note: DstNote): DstNoteResponse {
  return { ...note, at: note.at.toISOString(), firesAt: note.firesAt?.toISOString() ?? null };
}
