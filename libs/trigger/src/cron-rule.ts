import { civilFromDays, daysFromCivil, daysInMonth, possibleMonthLengths, SECONDS_PER_DAY, weekdayOfDays } from './calendar';

/** The value sets of one cron expression, already expanded. */
export interface CronRuleSpec {
  seconds: readonly number[];
  minutes: readonly number[];
  hours: readonly number[];
  /** null: every day of the month. */
  daysOfMonth: readonly number[] | null;
  lastDayOfMonth: boolean;
  months: readonly number[];
  /** null: every day of the week. 0 = Sunday. */
  daysOfWeek: readonly number[] | null;
  /** 1-5 for `#n` (the nth such weekday of the month), 0 when not used. */
  nthWeekday: number;
  /** Weekdays written as `nL` (the last such weekday of the month). */
  lastWeekdays: readonly number[];
}

/** How far ahead a fire time is searched: the Gregorian calendar repeats every 400 years. */
const SEARCH_YEARS = 400;
const LAST_SEARCHABLE_YEAR = 9999;

/**
 * One cron expression as a matcher over wall-clock time. A day matches when its day of month AND its
 * day of week match (a field left as `*` matches every day).
 */
export class CronRule {
  private readonly nextSecond: Int8Array;
  private readonly nextMinute: Int8Array;
  private readonly nextHour: Int8Array;
  private readonly firstTimeOfDay: number;
  private readonly monthBits: number;
  /** Matching days (bit d-1 for day d) by weekday of the 1st and month length: index firstWeekday * 4 + (length - 28). */
  private readonly dayMasks: Int32Array;

  constructor(readonly spec: CronRuleSpec) {
    this.nextSecond = nextValueTable(spec.seconds, 60);
    this.nextMinute = nextValueTable(spec.minutes, 60);
    this.nextHour = nextValueTable(spec.hours, 24);
    this.firstTimeOfDay = this.nextHour[0] * 3600 + this.nextMinute[0] * 60 + this.nextSecond[0];
    this.monthBits = spec.months.reduce((bits, month) => bits | (1 << month), 0);
    this.dayMasks = new Int32Array(7 * 4);
    for (let firstWeekday = 0; firstWeekday < 7; firstWeekday++) {
      for (let length = 28; length <= 31; length++) {
        this.dayMasks[firstWeekday * 4 + length - 28] = matchingDays(spec, firstWeekday, length);
      }
    }
  }

  /** False when no date in any year matches, e.g. 30 February or the 1st being a second Monday. */
  firesOnSomeDay(): boolean {
    for (const month of this.spec.months) {
      for (const length of possibleMonthLengths(month)) {
        for (let firstWeekday = 0; firstWeekday < 7; firstWeekday++) {
          if (this.dayMasks[firstWeekday * 4 + length - 28] !== 0) return true;
        }
      }
    }
    return false;
  }

  /** The first wall-clock second at or after `fromSecond` (wall seconds since 1970), or Infinity. */
  nextWallSecond(fromSecond: number): number {
    const days = Math.floor(fromSecond / SECONDS_PER_DAY);
    const { year, month, day } = civilFromDays(days);
    if (this.matchesMonth(month) && (this.dayMask(year, month) >> (day - 1)) & 1) {
      const timeOfDay = this.nextTimeOfDay(fromSecond - days * SECONDS_PER_DAY);
      if (timeOfDay >= 0) return days * SECONDS_PER_DAY + timeOfDay;
    }
    const nextDay = this.nextMatchingDay(year, month, day + 1);
    return nextDay === null ? Infinity : nextDay * SECONDS_PER_DAY + this.firstTimeOfDay;
  }

  private matchesMonth(month: number): boolean {
    return ((this.monthBits >> month) & 1) === 1;
  }

  private dayMask(year: number, month: number): number {
    const length = daysInMonth(year, month);
    const firstWeekday = weekdayOfDays(daysFromCivil(year, month, 1));
    return this.dayMasks[firstWeekday * 4 + length - 28];
  }

  /** Searched month by month, so rare patterns (29 February on a Monday) cost a few dozen steps, not millions. */
  private nextMatchingDay(year: number, month: number, fromDay: number): number | null {
    const lastYear = Math.min(year + SEARCH_YEARS, LAST_SEARCHABLE_YEAR);
    let from = fromDay;
    for (let y = year, m = month; y <= lastYear; ) {
      if (this.matchesMonth(m) && from <= daysInMonth(y, m)) {
        const mask = this.dayMask(y, m) & -(1 << (from - 1));
        if (mask !== 0) return daysFromCivil(y, m, 32 - Math.clz32(mask & -mask));
      }
      from = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
    return null;
  }

  /** First allowed second of the day at or after `second`, or -1. */
  private nextTimeOfDay(second: number): number {
    const h = Math.floor(second / 3600);
    const m = Math.floor((second % 3600) / 60);
    const s = second % 60;
    let hour = this.nextHour[h];
    if (hour < 0) return -1;
    if (hour === h) {
      let minute = this.nextMinute[m];
      if (minute === m) {
        const sec = this.nextSecond[s];
        if (sec >= 0) return h * 3600 + m * 60 + sec;
        minute = this.nextMinute[m + 1];
      }
      if (minute >= 0) return h * 3600 + minute * 60 + this.nextSecond[0];
      hour = this.nextHour[h + 1];
      if (hour < 0) return -1;
    }
    return hour * 3600 + this.nextMinute[0] * 60 + this.nextSecond[0];
  }
}

/** table[i] = smallest allowed value >= i, or -1; one extra slot so i + 1 never overflows. */
function nextValueTable(values: readonly number[], size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  for (const value of values) table[value] = value;
  for (let i = size - 1, next = -1; i >= 0; i--) {
    if (table[i] === i) next = i;
    table[i] = next;
  }
  return table;
}

function matchingDays(spec: CronRuleSpec, firstWeekday: number, length: number): number {
  const allDays = 2 ** length - 1;
  return daysOfMonthMask(spec, length, allDays) & daysOfWeekMask(spec, firstWeekday, length, allDays);
}

function daysOfMonthMask(spec: CronRuleSpec, length: number, allDays: number): number {
  if (spec.daysOfMonth === null) return allDays;
  let mask = spec.lastDayOfMonth ? 1 << (length - 1) : 0;
  for (const day of spec.daysOfMonth) if (day <= length) mask |= 1 << (day - 1);
  return mask;
}

function daysOfWeekMask(spec: CronRuleSpec, firstWeekday: number, length: number, allDays: number): number {
  if (spec.daysOfWeek === null) return allDays;
  let mask = 0;
  for (const weekday of spec.daysOfWeek) {
    const first = ((weekday - firstWeekday + 7) % 7) + 1;
    if (spec.nthWeekday > 0) {
      const nth = first + 7 * (spec.nthWeekday - 1);
      if (nth <= length) mask |= 1 << (nth - 1);
    } else {
      for (let day = first; day <= length; day += 7) mask |= 1 << (day - 1);
    }
  }
  for (const weekday of spec.lastWeekdays) {
    const first = ((weekday - firstWeekday + 7) % 7) + 1;
    mask |= 1 << (first + 7 * Math.floor((length - first) / 7) - 1);
  }
  return mask;
}
