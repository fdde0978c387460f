import type { IntervalUnit, PatternType, TriggerType } from '@jim/contracts';

export type { IntervalUnit, PatternType, TriggerType };

/** A schedule's trigger fields as a client sends them. */
export interface TriggerInput {
  triggerType: TriggerType;
  /** Default 'SpecificTimes'. */
  patternType?: PatternType | null;
  daysOfWeek?: string | null;
  runTimes?: string | null;
  intervalValue?: number | null;
  /** Default 'Hours' when patternType is Interval. */
  intervalUnit?: IntervalUnit | null;
  intervalWindowStart?: string | null;
  intervalWindowEnd?: string | null;
  cronExpression?: string | null;
  /** IANA name, default 'UTC'. */
  timeZone?: string | null;
}

/** The trigger fields as they are to be persisted and returned (normalised). */
export interface NormalisedTrigger {
  triggerType: TriggerType;
  patternType: PatternType;
  daysOfWeek: string | null;
  runTimes: string | null;
  intervalValue: number | null;
  intervalUnit: IntervalUnit | null;
  intervalWindowStart: string | null;
  intervalWindowEnd: string | null;
  /** Canonical rendering; null for Manual. */
  cronExpression: string | null;
  timeZone: string;
}

export interface CompiledTrigger {
  readonly fields: NormalisedTrigger;
  /** Same as fields.cronExpression. */
  readonly cronExpression: string | null;
  readonly timeZone: string;
  /** First fire time strictly after `after`; null for Manual (or when none exists). */
  next(after: Date): Date | null;
  nextN(after: Date, count: number): Date[];
  /** True iff `instant` (to the millisecond) is a fire time. */
  isFireTime(instant: Date): boolean;
}

/** Field name → messages, e.g. { cronExpression: ['invalid minute "61": 61 is outside 0-59'] }. */
export type TriggerErrors = Record<string, string[]>;

export type CompileResult = { ok: true; trigger: CompiledTrigger } | { ok: false; errors: TriggerErrors };
