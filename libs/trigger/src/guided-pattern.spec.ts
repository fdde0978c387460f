import { cronPartsOf, intervalSlots, renderCronParts, specificTimesSlots, WeekSlots } from './guided-pattern';

function slotsAt(...weekMinutes: Array<[weekday: number, hour: number, minute: number]>): WeekSlots {
  const slots = new WeekSlots();
  for (const [weekday, hour, minute] of weekMinutes) slots.add(weekday, hour * 60 + minute);
  return slots;
}

function firedAt(slots: WeekSlots): string[] {
  const times: string[] = [];
  for (let weekday = 0; weekday < 7; weekday++) {
    for (let minute = 0; minute < 1440; minute++) {
      if (slots.has(weekday, minute)) times.push(`${weekday} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);
    }
  }
  return times;
}

describe('intervalSlots', () => {
  it('restarts from the window start each day and includes the end', () => {
    const slots = intervalSlots({ daysOfWeek: [1], everyMinutes: 45, windowStart: 8 * 60, windowEnd: 10 * 60 + 15 });
    expect(firedAt(slots)).toEqual(['1 08:00', '1 08:45', '1 09:30', '1 10:15']);
  });

  it('runs an overnight window into the next day, wrapping Saturday to Sunday', () => {
    const slots = intervalSlots({ daysOfWeek: [6], everyMinutes: 60, windowStart: 22 * 60, windowEnd: 60 });
    expect(firedAt(slots)).toEqual(['0 00:00', '0 01:00', '6 22:00', '6 23:00']);
  });

  it('fires once when the window starts and ends together', () => {
    expect(firedAt(intervalSlots({ daysOfWeek: [3], everyMinutes: 5, windowStart: 600, windowEnd: 600 }))).toEqual(['3 10:00']);
  });
});

describe('cronPartsOf', () => {
  it('is one expression when the set is a product of minutes, hours and weekdays', () => {
    expect(renderCronParts(cronPartsOf(specificTimesSlots([1, 2, 3, 4, 5], [360])))).toBe('0 6 * * 1,2,3,4,5');
  });

  it('groups weekdays first when that needs fewer expressions', () => {
    // Hours first needs three (01:00 Monday, 02:00 both, 03:00 Tuesday); weekdays first needs two.
    const slots = slotsAt([1, 1, 0], [1, 2, 0], [2, 2, 0], [2, 3, 0]);
    expect(renderCronParts(cronPartsOf(slots))).toBe('0 1,2 * * 1; 0 2,3 * * 2');
  });

  it('orders expressions by their first hour, then minute, then weekday', () => {
    const slots = slotsAt([3, 18, 0], [5, 6, 30], [2, 6, 30], [0, 6, 45]);
    expect(renderCronParts(cronPartsOf(slots))).toBe('30 6 * * 2,5; 45 6 * * 0; 0 18 * * 3');
  });

  it('writes * for all minutes, all hours and all weekdays', () => {
    const every = intervalSlots({ daysOfWeek: [0, 1, 2, 3, 4, 5, 6], everyMinutes: 1, windowStart: 0, windowEnd: 1439 });
    expect(renderCronParts(cronPartsOf(every))).toBe('* * * * *');
  });
});
