import type { ErrorCollector } from './errors';
import type { IntervalUnit } from '@jim/contracts';

/**
 * Readers for the trigger's input fields. Each returns null when the field is absent (null, undefined or blank),
 * undefined when it is present but wrong (the problem is recorded under the field's name), else the value.
 */
export type FieldRead<T> = T | null | undefined;

export const MAX_INTERVAL: Readonly<Record<IntervalUnit, number>> = { Minutes: 59, Hours: 23 };

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_OF_WEEK = /^[0-6]$/;

export function readText(value: unknown, field: string, errors: ErrorCollector): FieldRead<string> {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') {
    errors.add(field, `must be text, got ${describeValue(value)}`);
    return undefined;
  }
  const text = value.trim();
  return text === '' ? null : text;
}

export function readChoice<T extends string>(
  value: unknown,
  field: string,
  choices: readonly T[],
  errors: ErrorCollector,
): FieldRead<T> {
  const text = readText(value, field, errors);
  if (text === null || text === undefined) return text;
  if ((choices as readonly string[]).includes(text)) return text as T;
  errors.add(field, `"${text}" is not one of ${choices.join(', ')}`);
  return undefined;
}

/** Minutes after midnight of an HH:mm wall-clock time, or null when it is not one. */
export function parseClockTime(text: string): number | null {
  const match = CLOCK_TIME.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export function formatClockTime(minuteOfDay: number): string {
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

export function readClockTime(value: unknown, field: string, errors: ErrorCollector): FieldRead<number> {
  const text = readText(value, field, errors);
  if (text === null || text === undefined) return text;
  const minuteOfDay = parseClockTime(text);
  if (minuteOfDay === null) {
    errors.add(field, `"${text}" is not a valid HH:mm time`);
    return undefined;
  }
  return minuteOfDay;
}

/** Days of week, Sunday = 0, sorted and without duplicates. */
export function readDaysOfWeek(value: unknown, field: string, errors: ErrorCollector): FieldRead<number[]> {
  return readList(value, field, errors, (entry) =>
    DAY_OF_WEEK.test(entry) ? Number(entry) : `"${entry}" is not a day of week (0-6, Sunday = 0)`,
  );
}

/** Run times as minutes after midnight, sorted and without duplicates. */
export function readRunTimes(value: unknown, field: string, errors: ErrorCollector): FieldRead<number[]> {
  return readList(value, field, errors, (entry) => parseClockTime(entry) ?? `"${entry}" is not a valid HH:mm time`);
}

function readList(
  value: unknown,
  field: string,
  errors: ErrorCollector,
  parseEntry: (entry: string) => number | string,
): FieldRead<number[]> {
  const text = readText(value, field, errors);
  if (text === null || text === undefined) return text;
  const values = new Set<number>();
  let valid = true;
  for (const entry of text.split(',').map((part) => part.trim())) {
    const parsed = entry === '' ? `"${text}" has an empty entry` : parseEntry(entry);
    if (typeof parsed === 'string') {
      errors.add(field, parsed);
      valid = false;
    } else {
      values.add(parsed);
    }
  }
  return valid ? [...values].sort((a, b) => a - b) : undefined;
}

/** A whole number of the unit: 1-59 minutes or 1-23 hours (1-59 while the unit is unknown). */
export function readIntervalValue(
  value: unknown,
  unit: IntervalUnit | null | undefined,
  field: string,
  errors: ErrorCollector,
): FieldRead<number> {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.add(field, `${describeValue(value)} is not a whole number`);
    return undefined;
  }
  const max = unit ? MAX_INTERVAL[unit] : MAX_INTERVAL.Minutes;
  if (value < 1 || value > max) {
    errors.add(field, unit ? `${value} is out of range for ${unit} (1-${max})` : `${value} is out of range (1-${max})`);
    return undefined;
  }
  return value;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'a list' : typeof value;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
