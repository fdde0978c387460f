import type { PatternType, TriggerType } from './enums';
import type { TriggerRequestFields } from './schedules';

/** GET /schedules/upcoming: one enabled Cron schedule and its fire times in the window. */
export interface UpcomingSchedule {
  scheduleId: string;
  name: string;
  timeZone: string;
  cronExpression: string | null;
  /** The trigger in words. */
  description: string;
  /** Ascending, UTC. */
  fireTimes: string[];
}

export interface UpcomingResponse {
  /** Start of the window, exclusive. */
  from: string;
  /** End of the window, inclusive. */
  to: string;
  totalFireTimes: number;
  schedules: UpcomingSchedule[];
}

/** POST /schedules/preview: a schedule's trigger fields, and the instant to preview after (default: now). */
export interface TriggerPreviewRequest extends TriggerRequestFields {
  after?: string | null;
}

/** A clock change in the trigger's zone and the runs it moves. */
export interface DstNote {
  /** gap: the clocks go forward and skip wall times; overlap: they go back and repeat them. */
  kind: 'gap' | 'overlap';
  at: string;
  localDate: string;
  wallBefore: string;
  wallAfter: string;
  affectedWallTimes: string[];
  /** Null when no run is affected. */
  firesAt: string | null;
  text: string;
}

export interface TriggerPreviewResponse {
  triggerType: TriggerType;
  patternType: PatternType;
  cronExpression: string | null;
  timeZone: string;
  description: string;
  nextRuns: string[];
  dstNotes: DstNote[];
}
