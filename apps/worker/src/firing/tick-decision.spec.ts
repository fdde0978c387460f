import { decideTick } from './tick-decision';

const hourly = { isEnabled: true, triggerType: 'Cron' as const, cronExpression: '0 * * * *', timeZone: 'UTC' };
const at = (iso: string) => new Date(iso);

describe('decideTick: does a tick still stand, and where does it move the schedule', () => {
  it('a tick at a fire time of an enabled Cron schedule moves the next run time past now and the watermark past the tick', () => {
    expect(decideTick(hourly, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:05Z'))).toEqual({
      nextRunTime: at('2030-01-01T11:00:00Z'),
      followingTick: at('2030-01-01T11:00:00Z'),
    });
  });

  it('a late tick moves the next run time past now, but the watermark only to the fire time after the tick', () => {
    expect(decideTick(hourly, at('2030-01-01T10:00:00Z'), at('2030-01-01T12:30:00Z'))).toEqual({
      nextRunTime: at('2030-01-01T13:00:00Z'),
      followingTick: at('2030-01-01T11:00:00Z'),
    });
  });

  it.each([
    ['disabled', { ...hourly, isEnabled: false }],
    ['Manual', { ...hourly, triggerType: 'Manual' as const, cronExpression: null }],
    ['without an expression', { ...hourly, cronExpression: null }],
  ])('a tick of a schedule that is %s is stale: it no longer fires', (_, schedule) => {
    expect(decideTick(schedule, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:00Z'))).toEqual({ stale: 'schedule no longer fires' });
  });

  it('a tick that is not a fire time of the current trigger is stale: the schedule was re-timed', () => {
    const daily = { ...hourly, cronExpression: '0 6 * * *', timeZone: 'Europe/London' };
    expect(decideTick(daily, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:00Z'))).toEqual({ stale: 'schedule was re-timed' });
  });
});
