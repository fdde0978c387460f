import { duration, keyValues, table, time } from './output';

describe('output', () => {
  it('aligns columns, right-aligns numbers, shows - for empty cells and cuts long ones', () => {
    const text = table(
      [
        { name: 'Nightly', steps: 12, note: null },
        { name: 'A', steps: 3, note: 'a very long note indeed' },
      ],
      [
        { header: 'NAME', value: (r) => r.name },
        { header: 'STEPS', value: (r) => r.steps, align: 'right' },
        { header: 'NOTE', value: (r) => r.note, maxWidth: 10 },
      ],
    );
    expect(text.split('\n')).toEqual(['NAME     STEPS  NOTE', 'Nightly     12  -', 'A            3  a very lo…']);
  });

  it('keeps each row on one line', () => {
    expect(table([{ v: 'two\nlines' }], [{ header: 'V', value: (r) => r.v }])).toBe('V\ntwo lines');
  });

  it('aligns key/value pairs', () => {
    expect(keyValues([['ID', 'x'], ['Next run', null]])).toBe('ID:        x\nNext run:  -');
  });

  it('formats times and durations', () => {
    expect(time('2026-01-05T06:00:00.000Z')).toBe('2026-01-05T06:00:00Z');
    expect(time(null)).toBeNull();
    expect(duration('2026-01-05T06:00:00.000Z', '2026-01-05T06:00:03.250Z')).toBe('3.3 s');
    expect(duration('2026-01-05T06:00:00.000Z', '2026-01-05T06:02:05.000Z')).toBe('2 min 5 s');
    expect(duration('2026-01-05T06:00:00.000Z', '2026-01-05T08:30:00.000Z')).toBe('2 h 30 min');
    expect(duration('2026-01-05T06:00:00.000Z', null)).toBeNull();
  });
});
