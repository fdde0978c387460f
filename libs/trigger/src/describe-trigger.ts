import { formatClockTime } from './trigger-fields';
import type { CompiledTrigger } from './types';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A compiled trigger in words, e.g. "weekdays at 06:30 and 18:00, Europe/London". */
export function describeTrigger({ pattern, timeZone: zone }: CompiledTrigger): string {
  switch (pattern.kind) {
    case 'Manual':
      return 'manually only (no fire times)';
    case 'Custom':
      return `cron "${pattern.cronExpression}", ${zone}`;
    case 'SpecificTimes':
      return `${describeDays(pattern.daysOfWeek)} at ${listAnd(pattern.runTimes.map(formatClockTime))}, ${zone}`;
    case 'Interval': {
      const unit = pattern.unit.toLowerCase();
      const every = pattern.every === 1 ? `every ${unit.slice(0, -1)}` : `every ${pattern.every} ${unit}`;
      const window = pattern.window ? ` from ${formatClockTime(pattern.window.start)} to ${formatClockTime(pattern.window.end)}` : '';
      return `${every}${window}, ${describeDays(pattern.daysOfWeek)}, ${zone}`;
    }
  }
}

function describeDays(days: readonly number[]): string {
  const key = days.join(',');
  if (key === '0,1,2,3,4,5,6') return 'every day';
  if (key === '1,2,3,4,5') return 'weekdays';
  if (key === '0,6') return 'weekends';
  return listAnd(days.map((d) => `${DAY_NAMES[d]}s`));
}

function listAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
