import { compileCron, compileTriggerOrThrow, type CompiledTrigger, type TriggerInput } from './index';

const iso = (dates: Date[]): string[] => dates.map((date) => date.toISOString());
const at = (text: string): Date => new Date(text);

function nextN(trigger: CompiledTrigger, after: string, count: number): string[] {
  return iso(trigger.nextN(at(after), count));
}

const specificTimes = (daysOfWeek: string, runTimes: string, timeZone = 'UTC'): CompiledTrigger =>
  compileTriggerOrThrow({ triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek, runTimes, timeZone });

const interval = (fields: Partial<TriggerInput>): CompiledTrigger =>
  compileTriggerOrThrow({ triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '0,1,2,3,4,5,6', ...fields });

describe('SpecificTimes', () => {
  it('fires exactly at each wall-clock time (06:30 and 18:00, not 18:30)', () => {
    expect(nextN(specificTimes('1', '06:30,18:00'), '2026-01-05T00:00:00Z', 4)).toEqual([
      '2026-01-05T06:30:00.000Z',
      '2026-01-05T18:00:00.000Z',
      '2026-01-12T06:30:00.000Z',
      '2026-01-12T18:00:00.000Z',
    ]);
  });

  it('fires on the selected days only', () => {
    expect(nextN(specificTimes('0,3', '23:59'), '2026-01-05T00:00:00Z', 3)).toEqual([
      '2026-01-07T23:59:00.000Z',
      '2026-01-11T23:59:00.000Z',
      '2026-01-14T23:59:00.000Z',
    ]);
  });

  it('uses the wall clock of the time zone', () => {
    expect(nextN(specificTimes('1', '09:00', 'Asia/Kolkata'), '2026-01-05T00:00:00Z', 2)).toEqual([
      '2026-01-05T03:30:00.000Z',
      '2026-01-12T03:30:00.000Z',
    ]);
    expect(nextN(specificTimes('1', '09:00', 'America/New_York'), '2026-07-01T00:00:00Z', 1)).toEqual(['2026-07-06T13:00:00.000Z']);
  });
});

describe('Interval', () => {
  it('restarts the minutes sequence from the window start each day', () => {
    const trigger = interval({ daysOfWeek: '1,2', intervalValue: 45, intervalUnit: 'Minutes', intervalWindowStart: '08:00', intervalWindowEnd: '10:00' });
    expect(nextN(trigger, '2026-01-05T00:00:00Z', 5)).toEqual([
      '2026-01-05T08:00:00.000Z',
      '2026-01-05T08:45:00.000Z',
      '2026-01-05T09:30:00.000Z',
      '2026-01-06T08:00:00.000Z',
      '2026-01-06T08:45:00.000Z',
    ]);
  });

  it('includes the window end when the step lands on it', () => {
    const trigger = interval({ daysOfWeek: '1', intervalValue: 30, intervalUnit: 'Minutes', intervalWindowStart: '17:00', intervalWindowEnd: '18:00' });
    expect(nextN(trigger, '2026-01-05T00:00:00Z', 4)).toEqual([
      '2026-01-05T17:00:00.000Z',
      '2026-01-05T17:30:00.000Z',
      '2026-01-05T18:00:00.000Z',
      '2026-01-12T17:00:00.000Z',
    ]);
  });

  it('keeps the window minutes for hours', () => {
    const trigger = interval({ daysOfWeek: '1', intervalValue: 2, intervalUnit: 'Hours', intervalWindowStart: '08:30', intervalWindowEnd: '13:00' });
    expect(nextN(trigger, '2026-01-05T00:00:00Z', 4)).toEqual([
      '2026-01-05T08:30:00.000Z',
      '2026-01-05T10:30:00.000Z',
      '2026-01-05T12:30:00.000Z',
      '2026-01-12T08:30:00.000Z',
    ]);
  });

  it('covers the whole day (00:00-23:59) without a window', () => {
    const trigger = interval({ daysOfWeek: '1', intervalValue: 7, intervalUnit: 'Hours' });
    expect(nextN(trigger, '2026-01-04T23:00:00Z', 5)).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-05T07:00:00.000Z',
      '2026-01-05T14:00:00.000Z',
      '2026-01-05T21:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
    ]);
  });

  it('runs an overnight window through midnight on the day it opens', () => {
    const trigger = interval({ daysOfWeek: '1', intervalValue: 1, intervalUnit: 'Hours', intervalWindowStart: '22:00', intervalWindowEnd: '02:00' });
    expect(nextN(trigger, '2026-01-05T00:00:00Z', 6)).toEqual([
      '2026-01-05T22:00:00.000Z',
      '2026-01-05T23:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
      '2026-01-06T01:00:00.000Z',
      '2026-01-06T02:00:00.000Z',
      '2026-01-12T22:00:00.000Z',
    ]);
  });

  it('fires once a day when the window starts and ends at the same time', () => {
    const trigger = interval({ daysOfWeek: '1,2', intervalValue: 10, intervalUnit: 'Minutes', intervalWindowStart: '07:15', intervalWindowEnd: '07:15' });
    expect(nextN(trigger, '2026-01-05T00:00:00Z', 3)).toEqual([
      '2026-01-05T07:15:00.000Z',
      '2026-01-06T07:15:00.000Z',
      '2026-01-12T07:15:00.000Z',
    ]);
  });
});

describe('Custom expressions', () => {
  it('requires both day-of-month and day-of-week when both are restricted', () => {
    expect(nextN(compileCron('0 3 1-7 * 1'), '2026-01-05T03:00:00Z', 3)).toEqual([
      '2026-02-02T03:00:00.000Z',
      '2026-03-02T03:00:00.000Z',
      '2026-04-06T03:00:00.000Z',
    ]);
    expect(nextN(compileCron('0 0 13 * FRI'), '2026-01-05T00:00:00Z', 3)).toEqual([
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
      '2026-11-13T00:00:00.000Z',
    ]);
  });

  it('applies only the restricted one of day-of-month and day-of-week', () => {
    expect(nextN(compileCron('0 0 13 * *'), '2026-01-05T00:00:00Z', 2)).toEqual(['2026-01-13T00:00:00.000Z', '2026-02-13T00:00:00.000Z']);
    expect(nextN(compileCron('0 0 * * 5'), '2026-01-05T00:00:00Z', 2)).toEqual(['2026-01-09T00:00:00.000Z', '2026-01-16T00:00:00.000Z']);
    expect(nextN(compileCron('0 0 ? * 7'), '2026-01-05T00:00:00Z', 1)).toEqual(['2026-01-11T00:00:00.000Z']);
  });

  it('supports L for the last day of the month and nL for the last weekday', () => {
    expect(nextN(compileCron('0 0 L * *'), '2026-01-05T00:00:00Z', 3)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    expect(nextN(compileCron('0 0 L 2 *'), '2027-03-01T00:00:00Z', 1)).toEqual(['2028-02-29T00:00:00.000Z']);
    expect(nextN(compileCron('0 0 * * 5L'), '2026-01-05T00:00:00Z', 2)).toEqual(['2026-01-30T00:00:00.000Z', '2026-02-27T00:00:00.000Z']);
    expect(nextN(compileCron('0 0 L * 5'), '2026-01-05T00:00:00Z', 1)).toEqual(['2026-07-31T00:00:00.000Z']);
  });

  it('supports # for the nth weekday', () => {
    expect(nextN(compileCron('0 9 * * 1#1'), '2026-01-05T09:00:00Z', 2)).toEqual(['2026-02-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z']);
    expect(nextN(compileCron('0 9 * * SUN#5'), '2026-01-01T00:00:00Z', 2)).toEqual(['2026-03-29T09:00:00.000Z', '2026-05-31T09:00:00.000Z']);
  });

  it('supports lists, ranges, steps and names', () => {
    expect(nextN(compileCron('10-20/5 9 * JAN MON-WED'), '2026-01-05T00:00:00Z', 4)).toEqual([
      '2026-01-05T09:10:00.000Z',
      '2026-01-05T09:15:00.000Z',
      '2026-01-05T09:20:00.000Z',
      '2026-01-06T09:10:00.000Z',
    ]);
  });

  it('supports the macros', () => {
    const after = '2026-01-05T10:30:00Z';
    expect(nextN(compileCron('@hourly'), after, 1)).toEqual(['2026-01-05T11:00:00.000Z']);
    expect(nextN(compileCron('@daily'), after, 1)).toEqual(['2026-01-06T00:00:00.000Z']);
    expect(nextN(compileCron('@midnight'), after, 1)).toEqual(['2026-01-06T00:00:00.000Z']);
    expect(nextN(compileCron('@weekly'), after, 1)).toEqual(['2026-01-11T00:00:00.000Z']);
    expect(nextN(compileCron('@monthly'), after, 1)).toEqual(['2026-02-01T00:00:00.000Z']);
    expect(nextN(compileCron('@yearly'), after, 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(nextN(compileCron('@annually'), after, 1)).toEqual(['2027-01-01T00:00:00.000Z']);
  });

  it('fires a 5-field expression at second 0 and a 6-field one at its seconds', () => {
    expect(nextN(compileCron('*/10 * * * *'), '2026-01-05T00:00:00Z', 2)).toEqual(['2026-01-05T00:10:00.000Z', '2026-01-05T00:20:00.000Z']);
    expect(nextN(compileCron('15,45 */10 * * * *'), '2026-01-05T00:00:00Z', 3)).toEqual([
      '2026-01-05T00:00:15.000Z',
      '2026-01-05T00:00:45.000Z',
      '2026-01-05T00:10:15.000Z',
    ]);
  });

  it('fires the union of several expressions once per instant, in order', () => {
    expect(nextN(compileCron('0 18 * * *; 30 6 * * *; 0 6,18 * * *'), '2026-01-05T00:00:00Z', 4)).toEqual([
      '2026-01-05T06:00:00.000Z',
      '2026-01-05T06:30:00.000Z',
      '2026-01-05T18:00:00.000Z',
      '2026-01-06T06:00:00.000Z',
    ]);
  });

  it('finds a rare date years ahead promptly', () => {
    const trigger = compileCron('0 0 29 2 1');
    const started = Date.now();
    expect(nextN(trigger, '2026-01-05T00:00:00Z', 2)).toEqual(['2044-02-29T00:00:00.000Z', '2072-02-29T00:00:00.000Z']);
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe('next, nextN and isFireTime', () => {
  const trigger = specificTimes('1,2,3,4,5', '06:00');

  it('returns the first fire time strictly after the instant', () => {
    expect(trigger.next(at('2026-01-05T06:00:00Z'))?.toISOString()).toBe('2026-01-06T06:00:00.000Z');
    expect(trigger.next(at('2026-01-05T05:59:59.999Z'))?.toISOString()).toBe('2026-01-05T06:00:00.000Z');
    expect(trigger.next(at('2026-01-09T06:00:00.001Z'))?.toISOString()).toBe('2026-01-12T06:00:00.000Z');
  });

  it('returns count strictly increasing times, or none', () => {
    expect(trigger.nextN(at('2026-01-05T00:00:00Z'), 0)).toEqual([]);
    const times = trigger.nextN(at('2026-01-05T00:00:00Z'), 12).map((date) => date.getTime());
    expect(times).toHaveLength(12);
    times.slice(1).forEach((time, index) => expect(time).toBeGreaterThan(times[index]));
  });

  it('knows its fire times to the millisecond', () => {
    expect(trigger.isFireTime(at('2026-01-05T06:00:00Z'))).toBe(true);
    expect(trigger.isFireTime(at('2026-01-05T06:00:00.001Z'))).toBe(false);
    expect(trigger.isFireTime(at('2026-01-05T05:59:59.999Z'))).toBe(false);
    expect(trigger.isFireTime(at('2026-01-10T06:00:00Z'))).toBe(false);
  });

  it('returns null for an invalid date', () => {
    expect(trigger.next(new Date(Number.NaN))).toBeNull();
    expect(trigger.isFireTime(new Date(Number.NaN))).toBe(false);
  });
});

describe('daylight saving time', () => {
  describe('Europe/London', () => {
    it('fires a wall time skipped by the spring change once, at the first instant after the gap', () => {
      expect(nextN(specificTimes('0', '01:30', 'Europe/London'), '2026-03-20T00:00:00Z', 3)).toEqual([
        '2026-03-22T01:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-04-05T00:30:00.000Z',
      ]);
    });

    it('fires a wall time repeated by the autumn change once, at its first occurrence', () => {
      expect(nextN(specificTimes('0', '01:30', 'Europe/London'), '2026-10-24T00:00:00Z', 2)).toEqual([
        '2026-10-25T00:30:00.000Z',
        '2026-11-01T01:30:00.000Z',
      ]);
    });

    it('fires several times falling into one gap only once', () => {
      const trigger = specificTimes('0', '00:30,01:00,01:15,01:45,02:00,02:15', 'Europe/London');
      expect(nextN(trigger, '2026-03-29T00:00:00Z', 4)).toEqual([
        '2026-03-29T00:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T01:15:00.000Z',
        '2026-04-04T23:30:00.000Z',
      ]);
    });

    it('does not fire the repeated hour a second time', () => {
      expect(nextN(compileCron('*/30 * * * *', 'Europe/London'), '2026-10-25T00:10:00Z', 4)).toEqual([
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
        '2026-10-25T02:30:00.000Z',
        '2026-10-25T03:00:00.000Z',
      ]);
      expect(nextN(compileCron('*/30 * * * *', 'Europe/London'), '2026-10-25T01:10:00Z', 1)).toEqual(['2026-10-25T02:00:00.000Z']);
    });

    it('resumes after the repeated hour when asked from inside it, however dense the pattern', () => {
      expect(nextN(compileCron('* * * * *', 'Europe/London'), '2026-10-25T01:00:00Z', 2)).toEqual([
        '2026-10-25T02:00:00.000Z',
        '2026-10-25T02:01:00.000Z',
      ]);
      expect(nextN(compileCron('* * * * * *', 'Europe/London'), '2026-10-25T01:59:59.500Z', 1)).toEqual(['2026-10-25T02:00:00.000Z']);
      expect(nextN(compileCron('* * * * * *', 'Europe/London'), '2026-10-25T00:59:59Z', 2)).toEqual([
        '2026-10-25T02:00:00.000Z',
        '2026-10-25T02:00:01.000Z',
      ]);
    });

    it('fires the interval times inside the gap once', () => {
      const trigger = interval({ daysOfWeek: '0', intervalValue: 20, intervalUnit: 'Minutes', intervalWindowStart: '00:40', intervalWindowEnd: '02:20', timeZone: 'Europe/London' });
      expect(nextN(trigger, '2026-03-29T00:00:00Z', 4)).toEqual([
        '2026-03-29T00:40:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T01:20:00.000Z',
        '2026-04-04T23:40:00.000Z',
      ]);
    });
  });

  describe('America/New_York', () => {
    it('fires 02:30 on the spring day at 03:00 EDT', () => {
      expect(nextN(specificTimes('0,6', '02:30', 'America/New_York'), '2026-03-07T00:00:00Z', 3)).toEqual([
        '2026-03-07T07:30:00.000Z',
        '2026-03-08T07:00:00.000Z',
        '2026-03-14T06:30:00.000Z',
      ]);
    });

    it('fires 01:30 on the autumn day at its first (EDT) occurrence', () => {
      expect(nextN(specificTimes('0', '01:30', 'America/New_York'), '2026-10-31T00:00:00Z', 2)).toEqual([
        '2026-11-01T05:30:00.000Z',
        '2026-11-08T06:30:00.000Z',
      ]);
    });

    it('collapses interval times in the gap into one fire', () => {
      const trigger = interval({ daysOfWeek: '0', intervalValue: 30, intervalUnit: 'Minutes', intervalWindowStart: '01:00', intervalWindowEnd: '04:00', timeZone: 'America/New_York' });
      expect(nextN(trigger, '2026-03-08T00:00:00Z', 6)).toEqual([
        '2026-03-08T06:00:00.000Z',
        '2026-03-08T06:30:00.000Z',
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T07:30:00.000Z',
        '2026-03-08T08:00:00.000Z',
        '2026-03-15T05:00:00.000Z',
      ]);
    });

    it('finds no fire time inside the repeated hour after the first occurrence passed', () => {
      const trigger = specificTimes('0', '01:15,01:45', 'America/New_York');
      expect(nextN(trigger, '2026-11-01T05:50:00Z', 1)).toEqual(['2026-11-08T06:15:00.000Z']);
      expect(trigger.isFireTime(at('2026-11-01T05:15:00Z'))).toBe(true);
      expect(trigger.isFireTime(at('2026-11-01T06:15:00Z'))).toBe(false);
    });
  });

  describe('Australia/Lord_Howe (30-minute shift)', () => {
    it('fires a time in the 30-minute spring gap at the first instant after it', () => {
      expect(nextN(specificTimes('0', '02:15', 'Australia/Lord_Howe'), '2026-09-26T00:00:00Z', 3)).toEqual([
        '2026-09-26T15:45:00.000Z',
        '2026-10-03T15:30:00.000Z',
        '2026-10-10T15:15:00.000Z',
      ]);
    });

    it('fires a time in the repeated half hour at its first occurrence', () => {
      expect(nextN(specificTimes('0', '01:45', 'Australia/Lord_Howe'), '2026-03-30T00:00:00Z', 2)).toEqual([
        '2026-04-04T14:45:00.000Z',
        '2026-04-11T15:15:00.000Z',
      ]);
    });

    it('never returns the same instant twice around the gap', () => {
      const times = compileCron('*/10 * * * *', 'Australia/Lord_Howe').nextN(at('2026-10-03T15:00:00Z'), 8);
      expect(iso(times)).toEqual([
        '2026-10-03T15:10:00.000Z',
        '2026-10-03T15:20:00.000Z',
        '2026-10-03T15:30:00.000Z',
        '2026-10-03T15:40:00.000Z',
        '2026-10-03T15:50:00.000Z',
        '2026-10-03T16:00:00.000Z',
        '2026-10-03T16:10:00.000Z',
        '2026-10-03T16:20:00.000Z',
      ]);
    });
  });
});
