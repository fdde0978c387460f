import { compileCron, compileTriggerOrThrow, triggerRepeatStrategy } from './index';

const START = Date.parse('2026-03-27T00:00:00Z');

describe('triggerRepeatStrategy', () => {
  it.each([
    ['0 6 * * 1,2,3,4,5', 'UTC'],
    ['30 1 * * *', 'Europe/London'],
    ['*/20 * * * *', 'America/New_York'],
    ['0 3 1-7 * 1', 'Australia/Lord_Howe'],
    ['30 6 * * *; 0 18 * * *', 'Asia/Kolkata'],
    ['15 */10 * * * *', 'UTC'],
  ])('returns what compileCron(%s, %s).next returns, fire after fire', (pattern, tz) => {
    const trigger = compileCron(pattern, tz);
    let millis = START;
    for (let step = 0; step < 50; step++) {
      const next = triggerRepeatStrategy(millis, { pattern, tz }, 'schedule');
      expect(next).toBe(trigger.next(new Date(millis))?.getTime());
      millis = next as number;
    }
  });

  it('fires a stored expression with month and day names (JIM spellings)', () => {
    const fired = triggerRepeatStrategy(START, { pattern: '30 6 * Mar,April-Jun sunday', tz: 'Europe/London' });
    expect(new Date(fired as number).toISOString()).toBe('2026-03-29T05:30:00.000Z');
  });

  it('fires what the API shows for a guided trigger', () => {
    const trigger = compileTriggerOrThrow({
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: '0,1,2,3,4,5,6',
      intervalValue: 45,
      intervalUnit: 'Minutes',
      intervalWindowStart: '22:00',
      intervalWindowEnd: '03:00',
      timeZone: 'Europe/London',
    });
    const shown = trigger.nextN(new Date(START), 30).map((date) => date.getTime());
    const fired: number[] = [];
    let millis = START;
    for (let step = 0; step < 30; step++) fired.push((millis = triggerRepeatStrategy(millis, { pattern: trigger.cronExpression, tz: trigger.timeZone }) as number));
    expect(fired).toEqual(shown);
  });

  it('defaults the zone to UTC', () => {
    expect(triggerRepeatStrategy(START, { pattern: '0 6 * * *' })).toBe(Date.parse('2026-03-27T06:00:00Z'));
    expect(triggerRepeatStrategy(START, { pattern: '0 6 * * *', tz: null })).toBe(Date.parse('2026-03-27T06:00:00Z'));
  });

  it.each([
    ['a missing pattern', {}],
    ['a null pattern', { pattern: null }],
    ['a blank pattern', { pattern: '  ' }],
    ['garbage', { pattern: 'every tuesday' }],
    ['an out-of-range field', { pattern: '61 * * * *' }],
    ['a pattern that never fires', { pattern: '0 0 30 2 *' }],
    ['an unknown zone', { pattern: '0 6 * * *', tz: 'Nowhere/Land' }],
    ['a pattern that is not text', { pattern: 42 as unknown as string }],
  ])('returns undefined and does not throw for %s', (_label, opts) => {
    expect(() => triggerRepeatStrategy(START, opts)).not.toThrow();
    expect(triggerRepeatStrategy(START, opts)).toBeUndefined();
  });

  it('returns undefined for missing options or an invalid instant', () => {
    expect(triggerRepeatStrategy(START, undefined as unknown as { pattern?: string })).toBeUndefined();
    expect(triggerRepeatStrategy(Number.NaN, { pattern: '0 6 * * *' })).toBeUndefined();
  });
});
