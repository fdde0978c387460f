import { jitterDelayMs, supersededReason } from '@jim/persistence';
import { decideTick, lateReason, planTick } from './tick-decision';

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

describe('planTick: jitter and catch-up', () => {
  const policies = { scheduleId: '7d1c5d0e-0000-4000-8000-000000000001', catchUpWindowSeconds: 600, jitterSeconds: 0 };

  it('an on-time tick runs for its own nominal time', () => {
    expect(planTick(hourly, policies, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:00.010Z'))).toEqual({
      scheduledFor: at('2030-01-01T10:00:00Z'),
      times: { nextRunTime: at('2030-01-01T11:00:00Z'), followingTick: at('2030-01-01T11:00:00Z') },
      superseded: [],
      missed: null,
    });
  });

  it('with jitter, a tick before its start is deferred to nominal + the delay of (schedule, nominal time); at it, it runs', () => {
    const jittered = { ...policies, jitterSeconds: 1800 };
    const nominal = at('2030-01-01T10:00:00Z');
    const start = new Date(nominal.getTime() + jitterDelayMs(policies.scheduleId, nominal, 1800));
    expect(planTick(hourly, jittered, nominal, nominal)).toEqual({ deferUntil: start });
    expect(planTick(hourly, jittered, nominal, start)).toMatchObject({ scheduledFor: nominal, missed: null });
  });

  it('a tick later than the catch-up window is missed, with how late it was', () => {
    const plan = planTick(hourly, policies, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:10:01Z'));
    expect(plan).toMatchObject({ scheduledFor: at('2030-01-01T10:00:00Z'), superseded: [], missed: lateReason(601, 600) });
    expect(lateReason(601, 600)).toBe('Missed: started 601 s after its time, beyond the catch-up window of 600 s');
  });

  it('after an outage, a late tick gives way to the latest tick due: only that one may run, the earlier ones are missed', () => {
    const wide = { ...policies, catchUpWindowSeconds: 86400 };
    expect(planTick(hourly, wide, at('2030-01-01T07:00:00Z'), at('2030-01-01T10:20:00Z'))).toEqual({
      scheduledFor: at('2030-01-01T10:00:00Z'),
      times: { nextRunTime: at('2030-01-01T11:00:00Z'), followingTick: at('2030-01-01T11:00:00Z') },
      superseded: [at('2030-01-01T07:00:00Z'), at('2030-01-01T08:00:00Z'), at('2030-01-01T09:00:00Z')],
      missed: null,
    });
    expect(supersededReason(at('2030-01-01T10:00:00Z'))).toContain('only the latest late tick runs');
  });

  it('the latest tick due is itself missed when it is beyond the window', () => {
    const plan = planTick(hourly, policies, at('2030-01-01T07:00:00Z'), at('2030-01-01T10:20:00Z'));
    expect(plan).toMatchObject({ scheduledFor: at('2030-01-01T10:00:00Z'), missed: lateReason(1200, 600) });
  });

  it('a catch-up window of 0 runs only ticks that start on time (within the second)', () => {
    const strict = { ...policies, catchUpWindowSeconds: 0 };
    expect(planTick(hourly, strict, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:00.900Z'))).toMatchObject({ missed: null });
    expect(planTick(hourly, strict, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:02Z'))).toMatchObject({ missed: lateReason(2, 0) });
  });

  it('a stale tick stays stale', () => {
    expect(planTick({ ...hourly, isEnabled: false }, policies, at('2030-01-01T10:00:00Z'), at('2030-01-01T10:00:00Z'))).toEqual({ stale: 'schedule no longer fires' });
  });
});
