import type { CronRule } from './cron-rule';
import { dstNotes, type DstNote } from './dst-notes';
import type { ZoneClock } from './time-zone';
import type { CompiledPattern, CompiledTrigger, NormalisedTrigger } from './types';

/** Bounded so a bug can never spin: one retry is all a repeated (fall-back) hour can need. */
const MAX_ATTEMPTS = 4;

/** A trigger's fire times: the union of its rules' wall-clock times, placed on the time line by the zone's DST rules. */
export class RuleBasedTrigger implements CompiledTrigger {
  readonly cronExpression: string | null;
  readonly timeZone: string;

  constructor(
    readonly fields: Readonly<NormalisedTrigger>,
    readonly pattern: CompiledPattern,
    private readonly rules: readonly CronRule[],
    private readonly zone: ZoneClock,
  ) {
    this.cronExpression = fields.cronExpression;
    this.timeZone = fields.timeZone;
  }

  next(after: Date): Date | null {
    const afterMs = after.getTime();
    if (this.rules.length === 0 || !Number.isFinite(afterMs)) return null;
    let threshold = this.zone.wallThresholdAfter(afterMs);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const fromSecond = threshold.inclusive ? Math.ceil(threshold.wallMs / 1000) : Math.floor(threshold.wallMs / 1000) + 1;
      const wallSecond = this.firstWallSecondFrom(fromSecond);
      if (wallSecond === Infinity) return null;
      const instant = this.zone.wallToInstant(wallSecond * 1000);
      if (instant > afterMs) return new Date(instant);
      threshold = { wallMs: wallSecond * 1000, inclusive: false };
    }
    return null;
  }

  nextN(after: Date, count: number): Date[] {
    const times: Date[] = [];
    let cursor: Date | null = after;
    while (times.length < count && (cursor = this.next(cursor))) times.push(cursor);
    return times;
  }

  isFireTime(instant: Date): boolean {
    const ms = instant.getTime();
    return Number.isFinite(ms) && this.next(new Date(ms - 1))?.getTime() === ms;
  }

  dstNotes(from: Date, to: Date): DstNote[] {
    if (this.rules.length === 0) return [];
    return dstNotes(this.zone, (fromSecond, toSecond, limit) => this.wallSecondsIn(fromSecond, toSecond, limit), from, to);
  }

  private wallSecondsIn(fromSecond: number, toSecond: number, limit: number): number[] {
    const seconds: number[] = [];
    let second = this.firstWallSecondFrom(Math.ceil(fromSecond));
    while (second < toSecond && seconds.length < limit) {
      seconds.push(second);
      second = this.firstWallSecondFrom(second + 1);
    }
    return seconds;
  }

  private firstWallSecondFrom(fromSecond: number): number {
    let first = Infinity;
    for (const rule of this.rules) first = Math.min(first, rule.nextWallSecond(fromSecond));
    return first;
  }
}
