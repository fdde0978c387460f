import { compileTriggerOrThrow, describeTrigger } from './index';

const london = (fields: Record<string, unknown>) =>
  compileTriggerOrThrow({ triggerType: 'Cron', daysOfWeek: '0,1,2,3,4,5,6', timeZone: 'Europe/London', ...fields });

describe('DST notes', () => {
  const year2026 = [new Date('2026-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z')] as const;

  it('names the spring-forward gap, the run it moves and the instant it fires at', () => {
    const notes = london({ runTimes: '01:30,06:00' }).dstNotes(...year2026);
    expect(notes.map((n) => n.kind)).toEqual(['gap', 'overlap']);
    const gap = notes[0];
    expect(gap).toMatchObject({ localDate: '2026-03-29', wallBefore: '01:00', wallAfter: '02:00', affectedWallTimes: ['01:30'] });
    expect(gap.at.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(gap.firesAt?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(gap.text).toBe(
      'On 2026-03-29 the clocks in Europe/London go forward from 01:00 to 02:00: 01:30 does not exist that day, so that run fires at 02:00 (2026-03-29T01:00:00.000Z).',
    );
    // The moved run is a real fire time of the trigger.
    expect(london({ runTimes: '01:30,06:00' }).isFireTime(gap.firesAt!)).toBe(true);
  });

  it('names the fall-back overlap and the first occurrence each repeated run fires at', () => {
    const overlap = london({ runTimes: '01:15,01:45' }).dstNotes(...year2026)[1];
    expect(overlap).toMatchObject({ kind: 'overlap', localDate: '2026-10-25', wallBefore: '02:00', wallAfter: '01:00', affectedWallTimes: ['01:15', '01:45'] });
    expect(overlap.firesAt?.toISOString()).toBe('2026-10-25T00:15:00.000Z');
    expect(overlap.text).toBe(
      'On 2026-10-25 the clocks in Europe/London go back from 02:00 to 01:00: 01:15 and 01:45 happen twice that day; each runs once, at its first occurrence (the first at 2026-10-25T00:15:00.000Z).',
    );
  });

  it('says when no run falls in the changed hour', () => {
    const notes = london({ runTimes: '06:00' }).dstNotes(...year2026);
    expect(notes.map((n) => [n.affectedWallTimes, n.firesAt])).toEqual([[[], null], [[], null]]);
    expect(notes[0].text).toBe('On 2026-03-29 the clocks in Europe/London go forward from 01:00 to 02:00; no run of this trigger falls in the skipped hour.');
  });

  it('lists a few of many runs in a gap and elides the rest', () => {
    const gap = london({ patternType: 'Interval', intervalValue: 5, intervalUnit: 'Minutes' }).dstNotes(...year2026)[0];
    expect(gap.affectedWallTimes).toEqual(['01:00', '01:05', '01:10', '01:15', '01:20', '01:25']);
    expect(gap.text).toContain('01:00, 01:05, 01:10, 01:15, 01:20, 01:25, … do not exist that day, so those runs fire once at 02:00');
  });

  it('has none for UTC, for a window without a change, and for Manual triggers', () => {
    expect(compileTriggerOrThrow({ triggerType: 'Cron', daysOfWeek: '1', runTimes: '01:30' }).dstNotes(...year2026)).toEqual([]);
    expect(london({ runTimes: '01:30' }).dstNotes(new Date('2026-04-01T00:00:00Z'), new Date('2026-10-01T00:00:00Z'))).toEqual([]);
    expect(compileTriggerOrThrow({ triggerType: 'Manual', timeZone: 'Europe/London' }).dstNotes(...year2026)).toEqual([]);
  });

  it('covers the southern hemisphere, where the gap comes in October', () => {
    const notes = compileTriggerOrThrow({ triggerType: 'Cron', patternType: 'Custom', cronExpression: '30 2 * * *', timeZone: 'Australia/Sydney' })
      .dstNotes(...year2026);
    expect(notes.map((n) => [n.kind, n.localDate, n.affectedWallTimes])).toEqual([
      ['overlap', '2026-04-05', ['02:30']],
      ['gap', '2026-10-04', ['02:30']],
    ]);
  });
});

describe('describeTrigger', () => {
  const words = (fields: Record<string, unknown>) => describeTrigger(compileTriggerOrThrow({ triggerType: 'Cron', ...fields }));

  it('puts each pattern in words with its zone', () => {
    expect(words({ daysOfWeek: '1,2,3,4,5', runTimes: '18:00,06:30', timeZone: 'Europe/London' })).toBe('weekdays at 06:30 and 18:00, Europe/London');
    expect(words({ daysOfWeek: '6,0', runTimes: '03:00' })).toBe('weekends at 03:00, UTC');
    expect(words({ daysOfWeek: '1,3,5', runTimes: '12:00' })).toBe('Mondays, Wednesdays and Fridays at 12:00, UTC');
    expect(words({ patternType: 'Interval', daysOfWeek: '0,1,2,3,4,5,6', intervalValue: 15, intervalUnit: 'Minutes', intervalWindowStart: '08:00', intervalWindowEnd: '18:00' }))
      .toBe('every 15 minutes from 08:00 to 18:00, every day, UTC');
    expect(words({ patternType: 'Interval', daysOfWeek: '1', intervalValue: 1 })).toBe('every hour, Mondays, UTC');
    expect(words({ patternType: 'Custom', cronExpression: '0 3 1-7 * 1' })).toBe('cron "0 3 1-7 * 1", UTC');
    expect(describeTrigger(compileTriggerOrThrow({ triggerType: 'Manual' }))).toBe('manually only (no fire times)');
  });
});
