import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/** RFC 3339 `date-time` (section 5.6): `T`/`t` between date and time, optional fraction, `Z`/`z` or a ±hh:mm offset. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))?$/;
const EARLIEST = new Date('0100-01-01T00:00:00Z').getTime();
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const EXAMPLE = 'e.g. 2026-07-13T06:00:00Z';

/**
 * The instant an RFC 3339 date-time names, or why it names none. A time without an offset is refused rather than
 * guessed as UTC; years 0000-0099 (valid RFC 3339, but meaningless here and easily misread as 19xx) are refused as out of range (fractions finer than a millisecond
 * are truncated).
 */
export function parseDateTime(text: string): Date | string {
  const match = DATE_TIME.exec(text);
  if (!match) return `must be an RFC 3339 date and time with an offset (${EXAMPLE})`;
  const [, year, month, day, hour, minute, second, fraction, zone, sign, offsetHours, offsetMinutes] = match;
  if (!zone) return `must include a UTC offset: Z or ±hh:mm (${EXAMPLE}); a time without one is ambiguous`;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  const daysInMonth = mo >= 1 && mo <= 12 ? new Date(Date.UTC(2000, mo, 0)).getUTCDate() + (mo === 2 && !isLeapYear(y) ? -1 : 0) : 0;
  if (d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return `is not a valid date and time (${EXAMPLE})`;
  if (sign && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return `has an invalid UTC offset (${EXAMPLE})`;
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) : 0;
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d); // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written
  utc.setUTCHours(h, mi - offset, s, fraction ? Number(fraction.slice(1, 4).padEnd(3, '0')) : 0);
  const time = utc.getTime();
  if (time < EARLIEST || time > LATEST) return 'is out of range: it must be from 0100-01-01T00:00:00Z to 9999-12-31T23:59:59Z';
  return utc;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * A date-time field: RFC 3339 text in the request, a Date in the DTO. The problem with a refused value (no offset,
 * out of range, not a date-time) is the field's message.
 */
export function IsDateTime(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => {
      if (typeof value !== 'string') return value;
      const parsed = parseDateTime(value);
      return parsed instanceof Date ? parsed : value;
    }),
    ValidateBy({
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => value instanceof Date,
        defaultMessage: (args) => (typeof args?.value === 'string' ? (parseDateTime(args.value) as string) : `must be an RFC 3339 date and time (${EXAMPLE})`),
      },
    }),
  );
}
