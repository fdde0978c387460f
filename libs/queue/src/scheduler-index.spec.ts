import { randomUUID } from 'node:crypto';
import { SchedulerIndex } from './scheduler-index';

describe('SchedulerIndex', () => {
  it('claims exactly the schedulers added, telling one that follows the pattern and time zone from one that differs', () => {
    const index = new SchedulerIndex();
    const ids = Array.from({ length: 3000 }, () => randomUUID());
    ids.forEach((id, i) => index.add(id, `${i % 60} 3 * * *`, 'UTC'));
    expect(index.size).toBe(3000);

    expect(index.claim(ids[7], '7 3 * * *', 'UTC')).toBe(true);
    expect(index.claim(ids[8], '9 3 * * *', 'UTC')).toBe(false); // other pattern
    expect(index.claim(ids[9], '9 3 * * *', 'Europe/Paris')).toBe(false); // other time zone
    expect(index.claim(randomUUID(), '0 3 * * *', 'UTC')).toBe(false); // never seen

    const unclaimed = [...index.unclaimed(1000)];
    expect(unclaimed.map((batch) => batch.length)).toEqual([1000, 1000, 997]);
    expect(new Set(unclaimed.flat())).toEqual(new Set(ids.filter((_, i) => ![7, 8, 9].includes(i))));
  });

  it('finds ids added after a lookup, and ids differing only in their last word', () => {
    const index = new SchedulerIndex();
    index.add('ffffffff-0000-4000-8000-000000000001', '* * * * *', 'UTC');
    expect(index.claim('ffffffff-0000-4000-8000-000000000002', '* * * * *', 'UTC')).toBe(false);
    index.add('ffffffff-0000-4000-8000-000000000002', '* * * * *', 'UTC');
    expect(index.claim('ffffffff-0000-4000-8000-000000000002', '* * * * *', 'UTC')).toBe(true);
    expect(index.claim('7fffffff-0000-4000-8000-000000000001', '* * * * *', 'UTC')).toBe(false);
    expect([...index.unclaimed(10)]).toEqual([['ffffffff-0000-4000-8000-000000000001']]);
  });
});
