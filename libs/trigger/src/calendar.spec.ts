import { civilFromDays, daysFromCivil, daysInMonth, weekdayOfDays } from './calendar';

describe('calendar', () => {
  it('matches the JavaScript calendar for every day over four centuries', () => {
    const first = daysFromCivil(1900, 1, 1);
    const last = daysFromCivil(2300, 12, 31);
    for (let days = first; days <= last; days++) {
      const date = new Date(days * 86_400_000);
      const civil = civilFromDays(days);
      if (civil.year !== date.getUTCFullYear() || civil.month !== date.getUTCMonth() + 1 || civil.day !== date.getUTCDate()) {
        throw new Error(`day ${days}: ${JSON.stringify(civil)} vs ${date.toISOString()}`);
      }
      if (daysFromCivil(civil.year, civil.month, civil.day) !== days || weekdayOfDays(days) !== date.getUTCDay()) {
        throw new Error(`day ${days} does not round-trip`);
      }
    }
  });

  it('knows month lengths and leap years', () => {
    expect([2024, 2026, 2100, 2000].map((year) => daysInMonth(year, 2))).toEqual([29, 28, 28, 29]);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });
});
