import { compileCron } from '@jim/trigger';
import { nominalFireTime, TICK_LEAD_MS } from './names';
import { leadingRepeatStrategy } from './queue-kit';

describe('tick timing', () => {
  const opts = { pattern: '*/5 * * * * *', tz: 'UTC' };
  const start = Date.parse('2026-03-29T00:59:58.000Z');

  it('makes each iteration fall due the lead before the trigger’s fire time, and only then', () => {
    const strategy = leadingRepeatStrategy(TICK_LEAD_MS);
    const trigger = compileCron(opts.pattern, opts.tz);
    let millis = start;
    for (let i = 0; i < 20; i++) {
      const due = strategy(millis, opts) as number;
      const nominal = trigger.next(new Date(millis + TICK_LEAD_MS))!.getTime();
      expect(due).toBe(nominal - TICK_LEAD_MS);
      expect(due).toBeGreaterThan(millis);
      expect(trigger.isFireTime(new Date(due + TICK_LEAD_MS))).toBe(true);
      millis = due;
    }
  });

  it('keeps the trigger’s own times without a lead, and passes "no more fire times" through', () => {
    expect(leadingRepeatStrategy(0)(start, opts)).toBe(Date.parse('2026-03-29T01:00:00.000Z'));
    expect(leadingRepeatStrategy(TICK_LEAD_MS)(start, { pattern: 'not a pattern' })).toBeUndefined();
    expect(leadingRepeatStrategy(TICK_LEAD_MS)(start, { pattern: '0 0 1 1 * 2020' })).toBeUndefined();
  });

  it('reads the nominal fire time back from a scheduler iteration’s id, whatever the processing lag', () => {
    const due = Date.parse('2026-03-29T01:00:00.000Z') - TICK_LEAD_MS;
    const job = { id: `repeat:schedule:0b6f3c1e-5b7a-4a51-9f0e-2c1a4f6d7e88:${due}`, timestamp: due - 4321, delay: 17 };
    expect(nominalFireTime(job).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(nominalFireTime(job, 0).getTime()).toBe(due);
  });

  it('takes the due time of a job that no scheduler made', () => {
    expect(nominalFireTime({ id: 'manual-1700000000000', timestamp: 1_700_000_000_000, opts: { delay: 500 } }).getTime()).toBe(1_700_000_000_500);
    expect(nominalFireTime({ id: null, timestamp: 1_700_000_000_000 }).getTime()).toBe(1_700_000_000_000);
  });
});
