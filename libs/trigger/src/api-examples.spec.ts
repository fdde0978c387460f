import { compileTriggerOrThrow, type TriggerInput } from './index';

/** The API documentation's example schedules, from Monday 2026-01-05T00:00:00Z, in UTC. */
const FROM = new Date('2026-01-05T00:00:00Z');
const WEEKDAYS = '1,2,3,4,5';
const EVERY_DAY = '0,1,2,3,4,5,6';

interface Example {
  name: string;
  input: TriggerInput;
  cronExpression: string;
  nextFive: string[];
}

const examples: Example[] = [
  {
    name: 'Morning Import',
    input: { triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: WEEKDAYS, runTimes: '06:00' },
    cronExpression: '0 6 * * 1,2,3,4,5',
    nextFive: ['2026-01-05T06:00:00.000Z', '2026-01-06T06:00:00.000Z', '2026-01-07T06:00:00.000Z', '2026-01-08T06:00:00.000Z', '2026-01-09T06:00:00.000Z'],
  },
  {
    name: 'Three-Daily Sync',
    input: { triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: EVERY_DAY, runTimes: '06:00,12:00,18:00' },
    cronExpression: '0 6,12,18 * * *',
    nextFive: ['2026-01-05T06:00:00.000Z', '2026-01-05T12:00:00.000Z', '2026-01-05T18:00:00.000Z', '2026-01-06T06:00:00.000Z', '2026-01-06T12:00:00.000Z'],
  },
  {
    name: 'Weekend Full Import',
    input: { triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '0,6', runTimes: '02:00' },
    cronExpression: '0 2 * * 0,6',
    nextFive: ['2026-01-10T02:00:00.000Z', '2026-01-11T02:00:00.000Z', '2026-01-17T02:00:00.000Z', '2026-01-18T02:00:00.000Z', '2026-01-24T02:00:00.000Z'],
  },
  {
    name: 'Delta Sync (Business Hours)',
    input: {
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: WEEKDAYS,
      intervalValue: 30,
      intervalUnit: 'Minutes',
      intervalWindowStart: '08:00',
      intervalWindowEnd: '18:00',
    },
    cronExpression: '0,30 8,9,10,11,12,13,14,15,16,17 * * 1,2,3,4,5; 0 18 * * 1,2,3,4,5',
    nextFive: ['2026-01-05T08:00:00.000Z', '2026-01-05T08:30:00.000Z', '2026-01-05T09:00:00.000Z', '2026-01-05T09:30:00.000Z', '2026-01-05T10:00:00.000Z'],
  },
  {
    name: 'Regular Sync',
    input: {
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: EVERY_DAY,
      intervalValue: 2,
      intervalUnit: 'Hours',
      intervalWindowStart: '00:00',
      intervalWindowEnd: '23:59',
    },
    cronExpression: '0 0,2,4,6,8,10,12,14,16,18,20,22 * * *',
    nextFive: ['2026-01-05T02:00:00.000Z', '2026-01-05T04:00:00.000Z', '2026-01-05T06:00:00.000Z', '2026-01-05T08:00:00.000Z', '2026-01-05T10:00:00.000Z'],
  },
  {
    name: 'Frequent Morning Sync',
    input: {
      triggerType: 'Cron',
      patternType: 'Interval',
      daysOfWeek: WEEKDAYS,
      intervalValue: 15,
      intervalUnit: 'Minutes',
      intervalWindowStart: '07:00',
      intervalWindowEnd: '12:00',
    },
    cronExpression: '0,15,30,45 7,8,9,10,11 * * 1,2,3,4,5; 0 12 * * 1,2,3,4,5',
    nextFive: ['2026-01-05T07:00:00.000Z', '2026-01-05T07:15:00.000Z', '2026-01-05T07:30:00.000Z', '2026-01-05T07:45:00.000Z', '2026-01-05T08:00:00.000Z'],
  },
  {
    name: 'Monthly Full Import',
    input: { triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 3 1-7 * 1' },
    cronExpression: '0 3 1-7 * 1',
    nextFive: ['2026-01-05T03:00:00.000Z', '2026-02-02T03:00:00.000Z', '2026-03-02T03:00:00.000Z', '2026-04-06T03:00:00.000Z', '2026-05-04T03:00:00.000Z'],
  },
  {
    name: 'Continuous Delta Sync',
    input: { triggerType: 'Cron', patternType: 'Custom', cronExpression: '*/5 * * * *' },
    cronExpression: '*/5 * * * *',
    nextFive: ['2026-01-05T00:05:00.000Z', '2026-01-05T00:10:00.000Z', '2026-01-05T00:15:00.000Z', '2026-01-05T00:20:00.000Z', '2026-01-05T00:25:00.000Z'],
  },
  {
    name: 'Quarterly Audit Export',
    input: { triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 1 1 1,4,7,10 *' },
    cronExpression: '0 1 1 1,4,7,10 *',
    nextFive: ['2026-04-01T01:00:00.000Z', '2026-07-01T01:00:00.000Z', '2026-10-01T01:00:00.000Z', '2027-01-01T01:00:00.000Z', '2027-04-01T01:00:00.000Z'],
  },
];

describe('API documentation examples', () => {
  it.each(examples)('$name', ({ input, cronExpression, nextFive }) => {
    const trigger = compileTriggerOrThrow(input);
    expect(trigger.cronExpression).toBe(cronExpression);
    expect(trigger.fields.cronExpression).toBe(cronExpression);
    expect(trigger.timeZone).toBe('UTC');
    expect(trigger.nextN(FROM, 5).map((date) => date.toISOString())).toEqual(nextFive);
  });
});
