import type { IntervalUnit, PatternType, TriggerFields, TriggerRequestFields, TriggerType } from '@jim/contracts';
import type { DstNote } from './dst-notes';

export type { IntervalUnit, PatternType, TriggerType };

/**
 * A schedule's trigger fields as a client sends them: triggerType required, the others optional (patternType
 * defaults to SpecificTimes, intervalUnit to Hours for Interval, timeZone to UTC).
 */
export type TriggerInput = Pick<TriggerFields, 'triggerType'> & Omit<TriggerRequestFields, 'triggerType'>;

/** The trigger fields as they are to be persisted and returned (normalised; cronExpression null for Manual). */
export type NormalisedTrigger = TriggerFields;

/** What a trigger fires on, as read (Manual: nothing): days of week Sunday = 0, times in minutes after midnight, both sorted. */
export type CompiledPattern =
  | { readonly kind: 'Manual' }
  | { readonly kind: 'Custom'; readonly cronExpression: string }
  | { readonly kind: 'SpecificTimes'; readonly daysOfWeek: readonly number[]; readonly runTimes: readonly number[] }
  | {
      readonly kind: 'Interval';
      readonly daysOfWeek: readonly number[];
      readonly every: number;
      readonly unit: IntervalUnit;
      /** Null for the whole day. */
      readonly window: { readonly start: number; readonly end: number } | null;
    };

export interface CompiledTrigger {
  readonly fields: NormalisedTrigger;
  /** The same trigger, parsed: what describes it. */
  readonly pattern: CompiledPattern;
  /** Same as fields.cronExpression. */
  readonly cronExpression: string | null;
  readonly timeZone: string;
  /** First fire time strictly after `after`; null for Manual (or when none exists). */
  next(after: Date): Date | null;
  nextN(after: Date, count: number): Date[];
  /** True iff `instant` (to the millisecond) is a fire time. */
  isFireTime(instant: Date): boolean;
  /** The zone's clock changes in (from, to], each with the runs it skips forward or repeats; empty for UTC. */
  dstNotes(from: Date, to: Date): DstNote[];
}

/** Field name → messages, e.g. { cronExpression: ['invalid minute "61": 61 is outside 0-59'] }. */
export type TriggerErrors = Record<string, string[]>;

export type CompileResult = { ok: true; trigger: CompiledTrigger } | { ok: false; errors: TriggerErrors };
