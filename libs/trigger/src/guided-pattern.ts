import { CronRule } from './cron-rule';

/**
 * The guided patterns (SpecificTimes, Interval) as the set of week minutes they fire at, and that set as
 * the canonical union of 5-field cron expressions.
 */

const MINUTES_PER_DAY = 1440;
const DAYS_PER_WEEK = 7;
const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** The minutes of the week a pattern fires at (weekday 0 = Sunday), as one 60-bit set per weekday and hour. */
export class WeekSlots {
  // Two halves per (weekday, hour), minutes 0-29 and 30-59, so each fits a 32-bit integer.
  private readonly halves = new Int32Array(DAYS_PER_WEEK * 24 * 2);

  add(weekday: number, minuteOfDay: number): void {
    this.halves[halfIndex(weekday, minuteOfDay)] |= 1 << minuteOfDay % 30;
  }

  has(weekday: number, minuteOfDay: number): boolean {
    return ((this.halves[halfIndex(weekday, minuteOfDay)] >> minuteOfDay % 30) & 1) === 1;
  }

  /** A key equal for equal minute sets, or null when the hour has none. */
  minutesKey(weekday: number, hour: number): string | null {
    const index = (weekday * 24 + hour) * 2;
    const low = this.halves[index];
    const high = this.halves[index + 1];
    return low === 0 && high === 0 ? null : `${low}:${high}`;
  }

  minutes(weekday: number, hour: number): number[] {
    const minutes: number[] = [];
    for (let minute = 0; minute < 60; minute++) if (this.has(weekday, hour * 60 + minute)) minutes.push(minute);
    return minutes;
  }
}

/** An hour is 60 minutes, so minuteOfDay % 30 is the minute's bit within its half hour. */
function halfIndex(weekday: number, minuteOfDay: number): number {
  return (weekday * 24 + Math.floor(minuteOfDay / 60)) * 2 + (minuteOfDay % 60 < 30 ? 0 : 1);
}

export interface IntervalPattern {
  daysOfWeek: readonly number[];
  everyMinutes: number;
  /** Minutes after midnight; the window's end is inclusive. */
  windowStart: number;
  windowEnd: number;
}

/** One cron expression of the union: `minutes hours * * weekdays`. */
export interface CronPart {
  minutes: number[];
  hours: number[];
  weekdays: number[];
}

export function specificTimesSlots(daysOfWeek: readonly number[], runTimes: readonly number[]): WeekSlots {
  const slots = new WeekSlots();
  for (const day of daysOfWeek) for (const time of runTimes) slots.add(day, time);
  return slots;
}

/**
 * Fires at the window start, then every `everyMinutes` while not past the end, restarting from the start on
 * each selected day. A window ending before it starts runs through midnight and belongs to the day it opens.
 */
export function intervalSlots({ daysOfWeek, everyMinutes, windowStart, windowEnd }: IntervalPattern): WeekSlots {
  const slots = new WeekSlots();
  const lastMinute = windowEnd >= windowStart ? windowEnd : windowEnd + MINUTES_PER_DAY;
  for (const day of daysOfWeek) {
    for (let minute = windowStart; minute <= lastMinute; minute += everyMinutes) {
      const nextDay = minute >= MINUTES_PER_DAY;
      slots.add(nextDay ? (day + 1) % DAYS_PER_WEEK : day, nextDay ? minute - MINUTES_PER_DAY : minute);
    }
  }
  return slots;
}

/**
 * The fewest parts found by grouping cells (weekday, hour → minutes) two ways: hours first, then weekdays first.
 * Each (weekday, hour) belongs to exactly one part, so the union is exact and its parts are distinct.
 */
export function cronPartsOf(slots: WeekSlots): CronPart[] {
  const cells = hourCells(slots);
  const hoursFirst = groupCells(slots, cells, 'hoursFirst');
  const weekdaysFirst = groupCells(slots, cells, 'weekdaysFirst');
  const parts = weekdaysFirst.length < hoursFirst.length ? weekdaysFirst : hoursFirst;
  return parts.sort(comparePartsByFirstFire);
}

export function renderCronPart({ minutes, hours, weekdays }: CronPart): string {
  return `${listOrAll(minutes, 60)} ${listOrAll(hours, 24)} * * ${listOrAll(weekdays, DAYS_PER_WEEK)}`;
}

export function renderCronParts(parts: readonly CronPart[]): string {
  return parts.map(renderCronPart).join('; ');
}

/** The same rule cron-parser's reading of renderCronPart(part) gives; the parts are plain value lists. */
export function cronPartRule({ minutes, hours, weekdays }: CronPart): CronRule {
  return new CronRule({
    seconds: [0],
    minutes,
    hours,
    daysOfMonth: null,
    lastDayOfMonth: false,
    months: ALL_MONTHS,
    daysOfWeek: weekdays.length === DAYS_PER_WEEK ? null : weekdays,
    nthWeekday: 0,
    lastWeekdays: [],
  });
}

interface HourCell {
  weekday: number;
  hour: number;
  /** Equal for hours with equal minute sets. */
  minuteSet: number;
}

/** More distinct minute sets than (weekday, hour) cells cannot exist, so it separates numeric keys. */
const MAX_MINUTE_SETS = DAYS_PER_WEEK * 24;

function hourCells(slots: WeekSlots): HourCell[] {
  const minuteSets = new Map<string, number>();
  const cells: HourCell[] = [];
  for (let weekday = 0; weekday < DAYS_PER_WEEK; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const key = slots.minutesKey(weekday, hour);
      if (key === null) continue;
      let minuteSet = minuteSets.get(key);
      if (minuteSet === undefined) minuteSets.set(key, (minuteSet = minuteSets.size));
      cells.push({ weekday, hour, minuteSet });
    }
  }
  return cells;
}

interface CellGroup {
  cell: HourCell;
  axes: number[];
  others: number[];
  othersMask: number;
}

function groupCells(slots: WeekSlots, cells: readonly HourCell[], order: 'hoursFirst' | 'weekdaysFirst'): CronPart[] {
  // First pass: cells sharing one axis value and one minute set; second pass: merge those sharing the other axis set.
  const firstPass = new Map<number, CellGroup>();
  for (const cell of cells) {
    const axis = order === 'hoursFirst' ? cell.hour : cell.weekday;
    const other = order === 'hoursFirst' ? cell.weekday : cell.hour;
    const key = axis * MAX_MINUTE_SETS + cell.minuteSet;
    const group = firstPass.get(key);
    if (group) {
      group.others.push(other);
      group.othersMask |= 1 << other;
    } else {
      firstPass.set(key, { cell, axes: [axis], others: [other], othersMask: 1 << other });
    }
  }
  const secondPass = new Map<number, CellGroup>();
  for (const group of firstPass.values()) {
    const key = group.othersMask * MAX_MINUTE_SETS + group.cell.minuteSet;
    const merged = secondPass.get(key);
    if (merged) merged.axes.push(...group.axes);
    else secondPass.set(key, group);
  }
  return [...secondPass.values()].map(({ cell, axes, others }) => {
    const minutes = slots.minutes(cell.weekday, cell.hour);
    const sortedAxes = [...axes].sort((a, b) => a - b);
    return order === 'hoursFirst'
      ? { minutes, hours: sortedAxes, weekdays: others }
      : { minutes, hours: others, weekdays: sortedAxes };
  });
}

function comparePartsByFirstFire(a: CronPart, b: CronPart): number {
  return (
    a.hours[0] - b.hours[0] ||
    a.minutes[0] - b.minutes[0] ||
    a.weekdays[0] - b.weekdays[0] ||
    compareText(renderCronPart(a), renderCronPart(b))
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function listOrAll(values: readonly number[], size: number): string {
  return values.length === size ? '*' : values.join(',');
}
