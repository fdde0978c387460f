import { randomUUID } from 'node:crypto';
import { UuidSet } from './uuid-set';

describe('UuidSet', () => {
  it('holds exactly the ids added, whatever their number and case, and answers after later additions', () => {
    const added = Array.from({ length: 5000 }, () => randomUUID());
    const others = Array.from({ length: 5000 }, () => randomUUID());
    const set = new UuidSet();
    for (const id of added.slice(0, 2500)) set.add(id);
    expect(added.slice(0, 2500).every((id) => set.has(id))).toBe(true);
    for (const id of added.slice(2500)) set.add(id.toUpperCase());
    expect(set.size).toBe(5000);
    expect(added.every((id) => set.has(id))).toBe(true);
    expect(others.filter((id) => set.has(id))).toEqual([]);
  });

  it('tells apart ids that differ only in their last hexadecimal digit or word', () => {
    const set = new UuidSet();
    set.add('ffffffff-0000-4000-8000-000000000001');
    expect(set.has('ffffffff-0000-4000-8000-000000000001')).toBe(true);
    expect(set.has('ffffffff-0000-4000-8000-000000000002')).toBe(false);
    expect(set.has('7fffffff-0000-4000-8000-000000000001')).toBe(false);
    expect(new UuidSet().has('ffffffff-0000-4000-8000-000000000001')).toBe(false);
  });
});
