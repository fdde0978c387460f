import { isValidTimeZone } from './index';
import { zoneClock } from './time-zone';

const utc = (text: string): number => Date.parse(text);
const wall = (text: string): number => Date.parse(`${text}Z`);

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Etc/UTC', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'europe/london'])('accepts %s', (name) => {
    expect(isValidTimeZone(name)).toBe(true);
  });

  it.each(['', ' UTC', 'Mars/Base', '+05:00', '-0300', 'Europe/', 'Not a zone'])('rejects %j', (name) => {
    expect(isValidTimeZone(name)).toBe(false);
  });

  it('rejects values that are not text', () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
  });
});

describe('zoneClock', () => {
  it('places ordinary wall times at their single instant', () => {
    expect(zoneClock('Europe/London').wallToInstant(wall('2026-07-01T12:00:00'))).toBe(utc('2026-07-01T11:00:00Z'));
    expect(zoneClock('Asia/Kolkata').wallToInstant(wall('2026-07-01T12:00:00'))).toBe(utc('2026-07-01T06:30:00Z'));
    expect(zoneClock('UTC').wallToInstant(wall('2026-07-01T12:00:00'))).toBe(utc('2026-07-01T12:00:00Z'));
  });

  it('places wall times in a spring gap at the first instant after it', () => {
    const london = zoneClock('Europe/London');
    expect(london.wallToInstant(wall('2026-03-29T01:00:00'))).toBe(utc('2026-03-29T01:00:00Z'));
    expect(london.wallToInstant(wall('2026-03-29T01:59:59'))).toBe(utc('2026-03-29T01:00:00Z'));
    expect(london.wallToInstant(wall('2026-03-29T02:00:00'))).toBe(utc('2026-03-29T01:00:00Z'));
    expect(london.wallToInstant(wall('2026-03-29T00:59:59'))).toBe(utc('2026-03-29T00:59:59Z'));
    expect(zoneClock('America/New_York').wallToInstant(wall('2026-03-08T02:30:00'))).toBe(utc('2026-03-08T07:00:00Z'));
    expect(zoneClock('Australia/Lord_Howe').wallToInstant(wall('2026-10-04T02:15:00'))).toBe(utc('2026-10-03T15:30:00Z'));
  });

  it('places repeated wall times at their first occurrence', () => {
    expect(zoneClock('Europe/London').wallToInstant(wall('2026-10-25T01:30:00'))).toBe(utc('2026-10-25T00:30:00Z'));
    expect(zoneClock('America/New_York').wallToInstant(wall('2026-11-01T01:30:00'))).toBe(utc('2026-11-01T05:30:00Z'));
    expect(zoneClock('Australia/Lord_Howe').wallToInstant(wall('2026-04-05T01:45:00'))).toBe(utc('2026-04-04T14:45:00Z'));
  });

  it('starts the search after the repeated hour once its first occurrence has passed', () => {
    const london = zoneClock('Europe/London');
    expect(london.wallThresholdAfter(utc('2026-10-25T01:10:00Z'))).toEqual({ wallMs: wall('2026-10-25T02:00:00'), inclusive: true });
    expect(london.wallThresholdAfter(utc('2026-10-25T00:10:00Z'))).toEqual({ wallMs: wall('2026-10-25T01:10:00'), inclusive: false });
    expect(london.wallThresholdAfter(utc('2026-10-25T02:00:00Z'))).toEqual({ wallMs: wall('2026-10-25T02:00:00'), inclusive: false });
  });

  it('knows offsets far from today', () => {
    expect(zoneClock('America/New_York').offsetAt(utc('2090-07-01T00:00:00Z'))).toBe(-4 * 3600_000);
    expect(zoneClock('Europe/London').offsetAt(utc('1990-01-01T00:00:00Z'))).toBe(0);
  });
});
