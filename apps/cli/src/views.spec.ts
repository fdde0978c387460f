import type { ScheduleResponse } from '@jim/contracts';
import { describeDays, trigger } from './views';

const schedule = (fields: Partial<ScheduleResponse>) => ({ triggerType: 'Cron', timeZone: 'UTC', ...fields }) as ScheduleResponse;

describe('trigger descriptions', () => {
  it('names the days', () => {
    expect(describeDays('1,2,3,4,5')).toBe('weekdays');
    expect(describeDays('6,0')).toBe('weekends');
    expect(describeDays('0,1,2,3,4,5,6')).toBe('every day');
    expect(describeDays(null)).toBe('every day');
    expect(describeDays('1,3')).toBe('Mon, Wed');
  });

  it('describes each kind of trigger', () => {
    expect(trigger(schedule({ triggerType: 'Manual' }))).toBe('Manual');
    expect(trigger(schedule({ patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:30,18:00', timeZone: 'Europe/London' }))).toBe(
      'weekdays at 06:30, 18:00 (Europe/London)',
    );
    expect(
      trigger(schedule({ patternType: 'Interval', intervalValue: 15, intervalUnit: 'Minutes', intervalWindowStart: '07:00', intervalWindowEnd: '19:00', daysOfWeek: '1,2,3,4,5' })),
    ).toBe('every 15 min 07:00-19:00, weekdays');
    expect(trigger(schedule({ patternType: 'Interval', intervalValue: 2, intervalUnit: 'Hours', daysOfWeek: null }))).toBe('every 2 h, every day');
    expect(trigger(schedule({ patternType: 'Custom', cronExpression: '0 1 1 1,4,7,10 *' }))).toBe('cron 0 1 1 1,4,7,10 *');
  });
});
