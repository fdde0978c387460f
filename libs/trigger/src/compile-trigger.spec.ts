import {
  compileCron,
  compileTrigger,
  compileTriggerOrThrow,
  TriggerValidationError,
  type CompiledTrigger,
  type TriggerErrors,
  type TriggerInput,
} from './index';

function compiled(input: TriggerInput): CompiledTrigger {
  const result = compileTrigger(input);
  if (!result.ok) throw new Error(`expected a valid trigger, got ${JSON.stringify(result.errors)}`);
  return result.trigger;
}

function errorsOf(input: TriggerInput): TriggerErrors {
  const result = compileTrigger(input);
  if (result.ok) throw new Error(`expected errors, got ${result.trigger.cronExpression}`);
  return result.errors;
}

const specificTimes = (daysOfWeek: string, runTimes: string, extra: Partial<TriggerInput> = {}): TriggerInput => ({
  triggerType: 'Cron',
  patternType: 'SpecificTimes',
  daysOfWeek,
  runTimes,
  ...extra,
});

const interval = (extra: Partial<TriggerInput>): TriggerInput => ({
  triggerType: 'Cron',
  patternType: 'Interval',
  daysOfWeek: '1,2,3,4,5',
  intervalValue: 1,
  ...extra,
});

const custom = (cronExpression: string | null, extra: Partial<TriggerInput> = {}): TriggerInput => ({
  triggerType: 'Cron',
  patternType: 'Custom',
  cronExpression,
  ...extra,
});

describe('daysOfWeek', () => {
  it('removes duplicates, sorts and tolerates whitespace', () => {
    expect(compiled(specificTimes('5,1,1', '06:00')).fields.daysOfWeek).toBe('1,5');
    expect(compiled(specificTimes(' 3 , 0,6 ', '06:00')).fields.daysOfWeek).toBe('0,3,6');
  });

  it('rejects 7 and anything that is not 0-6, naming the value', () => {
    expect(errorsOf(specificTimes('1,7', '06:00'))).toEqual({
      daysOfWeek: ['"7" is not a day of week (0-6, Sunday = 0)'],
    });
    expect(errorsOf(specificTimes('Mon,-1,01', '06:00')).daysOfWeek).toEqual([
      '"Mon" is not a day of week (0-6, Sunday = 0)',
      '"-1" is not a day of week (0-6, Sunday = 0)',
      '"01" is not a day of week (0-6, Sunday = 0)',
    ]);
    expect(errorsOf(specificTimes('1,,2', '06:00')).daysOfWeek).toEqual(['"1,,2" has an empty entry']);
  });

  it('is required for SpecificTimes and Interval', () => {
    expect(errorsOf(specificTimes('', '06:00'))).toEqual({ daysOfWeek: ['at least one day is required'] });
    expect(errorsOf(interval({ daysOfWeek: null }))).toEqual({ daysOfWeek: ['at least one day is required'] });
    expect(errorsOf(interval({ daysOfWeek: '  ' }))).toEqual({ daysOfWeek: ['at least one day is required'] });
  });
});

describe('runTimes', () => {
  it('is normalised sorted and without duplicates', () => {
    const trigger = compiled(specificTimes('1', '18:00, 06:30,18:00'));
    expect(trigger.fields.runTimes).toBe('06:30,18:00');
  });

  it('accepts 00:00 to 23:59 written with exactly two digits each', () => {
    expect(compiled(specificTimes('1', '00:00,23:59')).fields.runTimes).toBe('00:00,23:59');
    expect(errorsOf(specificTimes('1', '25:00'))).toEqual({ runTimes: ['"25:00" is not a valid HH:mm time'] });
    expect(errorsOf(specificTimes('1', '6:00,24:00,12:60,12:5,noon')).runTimes).toEqual([
      '"6:00" is not a valid HH:mm time',
      '"24:00" is not a valid HH:mm time',
      '"12:60" is not a valid HH:mm time',
      '"12:5" is not a valid HH:mm time',
      '"noon" is not a valid HH:mm time',
    ]);
  });

  it('is required for SpecificTimes', () => {
    expect(errorsOf(specificTimes('1', ''))).toEqual({ runTimes: ['at least one time is required'] });
  });

  it('is normalised to null for Interval and Custom', () => {
    expect(compiled(interval({ runTimes: '06:00' })).fields.runTimes).toBeNull();
    expect(compiled(custom('0 6 * * *', { runTimes: '06:00' })).fields.runTimes).toBeNull();
  });
});

describe('interval fields', () => {
  it('requires intervalValue and defaults the unit to Hours', () => {
    expect(errorsOf(interval({ intervalValue: null }))).toEqual({ intervalValue: ['is required for Interval patterns'] });
    const trigger = compiled(interval({ intervalValue: 6 }));
    expect(trigger.fields).toMatchObject({ intervalValue: 6, intervalUnit: 'Hours', intervalWindowStart: null, intervalWindowEnd: null });
    expect(trigger.cronExpression).toBe('0 0,6,12,18 * * 1,2,3,4,5');
  });

  it('allows 1-59 minutes and 1-23 hours', () => {
    expect(compiled(interval({ intervalValue: 59, intervalUnit: 'Minutes' })).fields.intervalValue).toBe(59);
    expect(compiled(interval({ intervalValue: 23, intervalUnit: 'Hours' })).fields.intervalValue).toBe(23);
    expect(errorsOf(interval({ intervalValue: 24, intervalUnit: 'Hours' }))).toEqual({
      intervalValue: ['24 is out of range for Hours (1-23)'],
    });
    expect(errorsOf(interval({ intervalValue: 59 }))).toEqual({ intervalValue: ['59 is out of range for Hours (1-23)'] });
    expect(errorsOf(interval({ intervalValue: 60, intervalUnit: 'Minutes' }))).toEqual({
      intervalValue: ['60 is out of range for Minutes (1-59)'],
    });
    expect(errorsOf(interval({ intervalValue: 0, intervalUnit: 'Minutes' }))).toEqual({
      intervalValue: ['0 is out of range for Minutes (1-59)'],
    });
    expect(errorsOf(interval({ intervalValue: 1.5 }))).toEqual({ intervalValue: ['1.5 is not a whole number'] });
  });

  it('rejects an unknown unit', () => {
    expect(errorsOf(interval({ intervalUnit: 'Days' as never }))).toEqual({
      intervalUnit: ['"Days" is not one of Minutes, Hours'],
    });
  });

  it('requires both window ends or neither', () => {
    expect(errorsOf(interval({ intervalWindowStart: '08:00' }))).toEqual({
      intervalWindowEnd: ['is required when intervalWindowStart is set'],
    });
    expect(errorsOf(interval({ intervalWindowEnd: '18:00' }))).toEqual({
      intervalWindowStart: ['is required when intervalWindowEnd is set'],
    });
    expect(errorsOf(interval({ intervalWindowStart: '8:00', intervalWindowEnd: '18:00' }))).toEqual({
      intervalWindowStart: ['"8:00" is not a valid HH:mm time'],
    });
  });

  it('normalises window times and clears the interval fields for SpecificTimes and Custom', () => {
    const trigger = compiled(interval({ intervalWindowStart: ' 08:30 ', intervalWindowEnd: '17:00' }));
    expect(trigger.fields).toMatchObject({ intervalWindowStart: '08:30', intervalWindowEnd: '17:00' });
    const extra = { intervalValue: 5, intervalUnit: 'Minutes' as const, intervalWindowStart: '08:00', intervalWindowEnd: '09:00' };
    for (const input of [specificTimes('1', '06:00', extra), custom('0 6 * * *', extra)]) {
      expect(compiled(input).fields).toMatchObject({
        intervalValue: null,
        intervalUnit: null,
        intervalWindowStart: null,
        intervalWindowEnd: null,
      });
    }
  });
});

describe('canonical cronExpression of guided patterns', () => {
  it.each([
    ['weekdays at 06:00', specificTimes('1,2,3,4,5', '06:00'), '0 6 * * 1,2,3,4,5'],
    ['every day at three times', specificTimes('0,1,2,3,4,5,6', '06:00,12:00,18:00'), '0 6,12,18 * * *'],
    ['times with different minutes', specificTimes('0,1,2,3,4,5,6', '06:30,18:00'), '30 6 * * *; 0 18 * * *'],
    ['the same minutes in several hours', specificTimes('6,0', '09:15,21:15'), '15 9,21 * * 0,6'],
    ['every minute', interval({ daysOfWeek: '0,1,2,3,4,5,6', intervalValue: 1, intervalUnit: 'Minutes' }), '* * * * *'],
    [
      'every minute in a window of whole hours',
      interval({ daysOfWeek: '1', intervalValue: 1, intervalUnit: 'Minutes', intervalWindowStart: '09:00', intervalWindowEnd: '10:59' }),
      '* 9,10 * * 1',
    ],
    [
      'every 2 hours from 08:30',
      interval({ daysOfWeek: '1,2,3,4,5', intervalValue: 2, intervalWindowStart: '08:30', intervalWindowEnd: '17:00' }),
      '30 8,10,12,14,16 * * 1,2,3,4,5',
    ],
    [
      'every 45 minutes from 08:00',
      interval({ daysOfWeek: '1,2,3,4,5', intervalValue: 45, intervalUnit: 'Minutes', intervalWindowStart: '08:00', intervalWindowEnd: '18:00' }),
      '0,45 8,11,14,17 * * 1,2,3,4,5; 30 9,12,15 * * 1,2,3,4,5; 15 10,13,16 * * 1,2,3,4,5',
    ],
    [
      'an overnight window',
      interval({ daysOfWeek: '1', intervalValue: 1, intervalWindowStart: '22:00', intervalWindowEnd: '02:00' }),
      '0 0,1,2 * * 2; 0 22,23 * * 1',
    ],
    [
      'an overnight window on Saturday wraps to Sunday',
      interval({ daysOfWeek: '6', intervalValue: 2, intervalWindowStart: '23:00', intervalWindowEnd: '03:00' }),
      '0 1,3 * * 0; 0 23 * * 6',
    ],
    [
      'a window that starts and ends at the same time',
      interval({ daysOfWeek: '2,4', intervalValue: 3, intervalWindowStart: '07:45', intervalWindowEnd: '07:45' }),
      '45 7 * * 2,4',
    ],
  ])('%s', (_label, input, expected) => {
    const trigger = compiled(input);
    expect(trigger.cronExpression).toBe(expected);
    expect(trigger.fields.cronExpression).toBe(expected);
  });

  it('never repeats an expression, and the union fires exactly the pattern', () => {
    const trigger = compiled(specificTimes('0,3', '01:05,02:05,03:10,04:10,05:05'));
    const parts = (trigger.cronExpression as string).split('; ');
    expect(new Set(parts).size).toBe(parts.length);
    expect(trigger.cronExpression).toBe('5 1,2,5 * * 0,3; 10 3,4 * * 0,3');
  });

  it('ignores a cronExpression sent with a guided pattern', () => {
    const trigger = compiled(specificTimes('1', '06:00', { cronExpression: '0 0 * * *' }));
    expect(trigger.cronExpression).toBe('0 6 * * 1');
  });
});

describe('Custom patterns', () => {
  it('requires a cron expression', () => {
    for (const blank of [null, undefined, '', '   ']) {
      expect(errorsOf(custom(blank as string | null))).toEqual({
        cronExpression: ['Cron expression is required for scheduled triggers'],
      });
    }
  });

  it('keeps the expression as given, trimmed, with "; " between expressions', () => {
    expect(compiled(custom('  0 3 1-7 * MON  ')).cronExpression).toBe('0 3 1-7 * MON');
    expect(compiled(custom('30 6 * * *;0 18 * * *')).cronExpression).toBe('30 6 * * *; 0 18 * * *');
    expect(compiled(custom(' 30 6 * * * ;   0 18 * * * ')).cronExpression).toBe('30 6 * * *; 0 18 * * *');
  });

  it('normalises the guided fields to null', () => {
    const trigger = compiled(custom('0 6 * * *', { daysOfWeek: '1', runTimes: '06:00', intervalValue: 1 }));
    expect(trigger.fields).toEqual({
      triggerType: 'Cron',
      patternType: 'Custom',
      daysOfWeek: null,
      runTimes: null,
      intervalValue: null,
      intervalUnit: null,
      intervalWindowStart: null,
      intervalWindowEnd: null,
      cronExpression: '0 6 * * *',
      timeZone: 'UTC',
    });
  });

  it.each([
    '*/15 9-17 * * MON-FRI',
    '0 0 1 JAN,jul *',
    '0 12 * * 0-7',
    '0 0 L * *',
    '0 0 * * 5L',
    '0 0 * * 1#1',
    '30 0 12 * * *',
    '0 0 ? * 1',
    '@hourly',
    '@daily',
    '@midnight',
    '@weekly',
    '@monthly',
    '@yearly',
    '@annually',
    '0 6 * * *; @hourly',
  ])('accepts %s', (expression) => {
    expect(compiled(custom(expression)).cronExpression).toBe(expression);
  });

  it.each([
    ['61 * * * *', 'invalid minute "61": 61 is outside 0-59'],
    ['0 24 * * *', 'invalid hour "24": 24 is outside 0-23'],
    ['0 0 32 * *', 'invalid day-of-month "32": 32 is outside 1-31'],
    ['0 0 0 * *', 'invalid day-of-month "0": 0 is outside 1-31'],
    ['0 0 * 13 *', 'invalid month "13": 13 is outside 1-12'],
    ['0 0 * * 8', 'invalid day-of-week "8": 8 is outside 0-7'],
    ['60 0 0 * * *', 'invalid second "60": 60 is outside 0-59'],
    ['0 0 * JANX *', 'invalid month "JANX": unknown name'],
    ['0 0 * * FOO', 'invalid day-of-week "FOO": unknown name'],
    ['10 * * Febuary *', 'invalid month "Febuary": unknown name'],
    ['10 * * February,April-Jux *', 'invalid month "February,April-Jux": unknown name "Jux"'],
    ['0 0 * Ju *', 'invalid month "Ju": unknown name'],
    ['0 0 * * Tu', 'invalid day-of-week "Tu": unknown name'],
    ['0 0 * * mondays', 'invalid day-of-week "mondays": unknown name'],
    ['0 0 * * MARCH', 'invalid day-of-week "MARCH": unknown name'],
    ['1-70 * * * *', 'invalid minute "1-70": range 1-70 is outside 0-59'],
    ['5-1 * * * *', 'invalid minute "5-1": range 5-1 runs backwards'],
    ['*/0 * * * *', 'invalid minute "*/0": the step must be a positive whole number'],
    [',1 * * * *', 'invalid minute ",1": has an empty list entry'],
    ['0 0 * * 6#6', 'invalid day-of-week "6#6": the occurrence after "#" must be 1-5'],
    ['0 0 * * 1#2,3', 'invalid day-of-week "1#2,3": "#" cannot be combined with ","'],
    ['0 0 * * L', 'invalid day-of-week "L": "L" needs a weekday in front of it (5L = last Friday)'],
    ['H * * * *', 'invalid minute "H": hashed values (H) are not supported'],
    ['0 0 15W * *', 'invalid day-of-month "15W": has characters that are not allowed'],
    ['* * * *', '"* * * *" has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 with seconds first'],
    ['0 0 0 0 * * *', '"0 0 0 0 * * *" has 7 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 with seconds first'],
    ['@reboot', 'unknown macro "@reboot"; use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually'],
    ['0 0 31 2 *', '"0 0 31 2 *" never fires (no date matches its day-of-month, month and day-of-week)'],
    ['0 0 30 2 *', '"0 0 30 2 *" never fires (no date matches its day-of-month, month and day-of-week)'],
    ['0 0 1 * 1#2', '"0 0 1 * 1#2" never fires (no date matches its day-of-month, month and day-of-week)'],
    ['0 0 1-7 * 5L', '"0 0 1-7 * 5L" never fires (no date matches its day-of-month, month and day-of-week)'],
    ['0 0 * * *;', 'has an empty expression between ";" separators'],
  ])('rejects %s', (expression, message) => {
    expect(errorsOf(custom(expression))).toEqual({ cronExpression: [message] });
  });

  it.each([
    ['30 6 * * sunday', '30 6 * * 0'],
    ['10 * * February,April-Jun *', '10 * * 2,4-6 *'],
    ['0 0 1 DECEM *', '0 0 1 12 *'],
    ['0 0 1 Augu *', '0 0 1 8 *'],
    ['0 0 * * Monday-FRIDAY', '0 0 * * 1-5'],
    ['0 0 * * thurs,SATURDAY', '0 0 * * 4,6'],
    ['0 9 * * Sunday#2', '0 9 * * 0#2'],
    ['0 0 * september-Nov/2 *', '0 0 * 9-11/2 *'],
  ])('reads names in full or as a prefix of three letters or more: %s', (expression, numeric) => {
    const given = compiled(custom(expression));
    expect(given.cronExpression).toBe(expression);
    const after = new Date('2026-01-01T00:00:00Z');
    expect(given.nextN(after, 20)).toEqual(compiled(custom(numeric)).nextN(after, 20));
  });

  it('accepts THU although it contains an H', () => {
    expect(compiled(custom('0 0 * * THU')).cronExpression).toBe('0 0 * * THU');
  });

  it('reports every bad field of every expression at once', () => {
    expect(errorsOf(custom('61 25 * * *; 0 0 31 2 *')).cronExpression).toEqual([
      'invalid minute "61" in "61 25 * * *": 61 is outside 0-59',
      'invalid hour "25" in "61 25 * * *": 25 is outside 0-23',
      '"0 0 31 2 *" never fires (no date matches its day-of-month, month and day-of-week)',
    ]);
  });

  it('accepts a generated union sent back as Custom', () => {
    const guided = compiled(interval({ daysOfWeek: '1,3', intervalValue: 45, intervalUnit: 'Minutes', intervalWindowStart: '08:00', intervalWindowEnd: '12:00' }));
    const roundTrip = compiled(custom(guided.cronExpression));
    expect(roundTrip.cronExpression).toBe(guided.cronExpression);
    const from = new Date('2026-01-05T00:00:00Z');
    expect(roundTrip.nextN(from, 20)).toEqual(guided.nextN(from, 20));
  });
});

describe('Manual triggers', () => {
  it('never fire and keep only patternType and timeZone', () => {
    const trigger = compiled({ triggerType: 'Manual', patternType: 'Interval', intervalValue: 2, daysOfWeek: '1', timeZone: 'Europe/London' });
    expect(trigger.fields).toEqual({
      triggerType: 'Manual',
      patternType: 'Interval',
      daysOfWeek: null,
      runTimes: null,
      intervalValue: null,
      intervalUnit: null,
      intervalWindowStart: null,
      intervalWindowEnd: null,
      cronExpression: null,
      timeZone: 'Europe/London',
    });
    expect(trigger.cronExpression).toBeNull();
    expect(trigger.next(new Date('2026-01-05T00:00:00Z'))).toBeNull();
    expect(trigger.nextN(new Date('2026-01-05T00:00:00Z'), 5)).toEqual([]);
    expect(trigger.isFireTime(new Date('2026-01-05T06:00:00Z'))).toBe(false);
  });

  it('defaults patternType to SpecificTimes and timeZone to UTC', () => {
    expect(compiled({ triggerType: 'Manual' }).fields).toMatchObject({ patternType: 'SpecificTimes', timeZone: 'UTC' });
  });

  it('does not require pattern fields', () => {
    expect(compileTrigger({ triggerType: 'Manual', patternType: 'Custom' }).ok).toBe(true);
    expect(compileTrigger({ triggerType: 'Manual', patternType: 'Interval', intervalWindowStart: '08:00' }).ok).toBe(true);
  });

  it('still rejects garbage in the fields that are present', () => {
    expect(
      errorsOf({
        triggerType: 'Manual',
        daysOfWeek: '9',
        runTimes: '25:00',
        intervalValue: 0,
        intervalUnit: 'Weeks' as never,
        intervalWindowStart: 'x',
        cronExpression: '61 * * * *',
        timeZone: 'Nowhere/Land',
      }),
    ).toEqual({
      daysOfWeek: ['"9" is not a day of week (0-6, Sunday = 0)'],
      runTimes: ['"25:00" is not a valid HH:mm time'],
      intervalValue: ['0 is out of range (1-59)'],
      intervalUnit: ['"Weeks" is not one of Minutes, Hours'],
      intervalWindowStart: ['"x" is not a valid HH:mm time'],
      cronExpression: ['invalid minute "61": 61 is outside 0-59'],
      timeZone: ['"Nowhere/Land" is not a known IANA time zone'],
    });
  });
});

describe('trigger and pattern types', () => {
  it('defaults patternType to SpecificTimes', () => {
    expect(compiled({ triggerType: 'Cron', daysOfWeek: '1', runTimes: '06:00' }).fields.patternType).toBe('SpecificTimes');
  });

  it('rejects unknown types', () => {
    expect(errorsOf({ triggerType: 'Cron', patternType: 'Weekly' as never })).toEqual({
      patternType: ['"Weekly" is not one of SpecificTimes, Interval, Custom'],
    });
    expect(errorsOf({ triggerType: 'Sometimes' as never })).toEqual({ triggerType: ['"Sometimes" is not one of Cron, Manual'] });
    expect(errorsOf({} as TriggerInput)).toEqual({ triggerType: ['is required (Cron or Manual)'] });
  });

  it('rejects values of the wrong type without throwing', () => {
    const input = { triggerType: 'Cron', daysOfWeek: 1, runTimes: ['06:00'], intervalValue: '5' } as unknown as TriggerInput;
    expect(errorsOf(input)).toEqual({
      daysOfWeek: ['must be text, got 1'],
      runTimes: ['must be text, got a list'],
      intervalValue: ['"5" is not a whole number'],
    });
  });
});

describe('timeZone', () => {
  it('defaults to UTC and keeps a valid IANA name', () => {
    expect(compiled(specificTimes('1', '06:00')).timeZone).toBe('UTC');
    expect(compiled(specificTimes('1', '06:00', { timeZone: ' ' })).timeZone).toBe('UTC');
    expect(compiled(specificTimes('1', '06:00', { timeZone: 'Asia/Kolkata' })).timeZone).toBe('Asia/Kolkata');
  });

  it('rejects unknown zones and offsets', () => {
    expect(errorsOf(specificTimes('1', '06:00', { timeZone: 'Mars/Olympus_Mons' }))).toEqual({
      timeZone: ['"Mars/Olympus_Mons" is not a known IANA time zone'],
    });
    expect(errorsOf(specificTimes('1', '06:00', { timeZone: '+05:00' }))).toEqual({
      timeZone: ['"+05:00" is not a known IANA time zone'],
    });
  });
});

describe('collecting errors', () => {
  it('reports every field at once', () => {
    expect(
      errorsOf({
        triggerType: 'Cron',
        patternType: 'Interval',
        daysOfWeek: '',
        intervalValue: 30,
        intervalWindowStart: '25:00',
        timeZone: 'Nowhere/Land',
      }),
    ).toEqual({
      daysOfWeek: ['at least one day is required'],
      intervalValue: ['30 is out of range for Hours (1-23)'],
      intervalWindowStart: ['"25:00" is not a valid HH:mm time'],
      timeZone: ['"Nowhere/Land" is not a known IANA time zone'],
    });
  });

  it('reports the missing fields of SpecificTimes together', () => {
    expect(errorsOf({ triggerType: 'Cron' })).toEqual({
      daysOfWeek: ['at least one day is required'],
      runTimes: ['at least one time is required'],
    });
  });
});

describe('compileTriggerOrThrow and compileCron', () => {
  it('throws TriggerValidationError carrying the errors', () => {
    let thrown: unknown;
    try {
      compileTriggerOrThrow(specificTimes('1', '25:00'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TriggerValidationError);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as TriggerValidationError).errors).toEqual({ runTimes: ['"25:00" is not a valid HH:mm time'] });
    expect((thrown as TriggerValidationError).message).toBe('Invalid trigger: runTimes: "25:00" is not a valid HH:mm time');
  });

  it('returns the compiled trigger when valid', () => {
    expect(compileTriggerOrThrow(specificTimes('1', '06:00')).cronExpression).toBe('0 6 * * 1');
  });

  it('compileCron compiles a union, caches it and rejects bad input', () => {
    const union = compileCron('30 6 * * *;0 18 * * *', 'Europe/London');
    expect(union.cronExpression).toBe('30 6 * * *; 0 18 * * *');
    expect(union.fields).toMatchObject({ triggerType: 'Cron', patternType: 'Custom', timeZone: 'Europe/London' });
    expect(compileCron('30 6 * * *;0 18 * * *', 'Europe/London')).toBe(union);
    expect(compileCron('0 6 * * *').timeZone).toBe('UTC');
    expect(() => compileCron('61 * * * *')).toThrow(TriggerValidationError);
    expect(() => compileCron('  ')).toThrow('Cron expression is required for scheduled triggers');
    expect(() => compileCron('0 6 * * *', 'Nowhere/Land')).toThrow('"Nowhere/Land" is not a known IANA time zone');
  });
});

describe('the compiled pattern', () => {
  it('holds what each kind of trigger fires on, parsed: days Sunday = 0, times in minutes after midnight', () => {
    expect(compiled(specificTimes('5,1', '18:00, 06:30')).pattern).toEqual({ kind: 'SpecificTimes', daysOfWeek: [1, 5], runTimes: [390, 1080] });
    expect(
      compiled({ triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 15, intervalUnit: 'Minutes', intervalWindowStart: '08:00', intervalWindowEnd: '18:00' }).pattern,
    ).toEqual({ kind: 'Interval', daysOfWeek: [1], every: 15, unit: 'Minutes', window: { start: 480, end: 1080 } });
    expect(compiled({ triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '0', intervalValue: 2 }).pattern).toEqual({
      kind: 'Interval', daysOfWeek: [0], every: 2, unit: 'Hours', window: null,
    });
    expect(compiled({ triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 3 1-7 * 1' }).pattern).toEqual({ kind: 'Custom', cronExpression: '0 3 1-7 * 1' });
    expect(compileCron('*/5 * * * *').pattern).toEqual({ kind: 'Custom', cronExpression: '*/5 * * * *' });
    expect(compiled({ triggerType: 'Manual', patternType: 'Interval' }).pattern).toEqual({ kind: 'Manual' });
  });
});
