import type { NormalisedTrigger } from './types';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A normalised trigger in words, e.g. "weekdays at 06:30 and 18:00, Europe/London". */
export function describeTrigger(fields: NormalisedTrigger): string {
  if (fields.triggerType === 'Manual') return 'manually only (no fire times)';
  const zone = fields.timeZone;
  if (fields.patternType === 'Custom') return `cron "${fields.cronExpression}", ${zone}`;
  const days = describeDays(fields.daysOfWeek ?? '');
  if (fields.patternType === 'SpecificTimes') return `${days} at ${listAnd((fields.runTimes ?? '').split(','))}, ${zone}`;
  const value = fields.intervalValue ?? 1;
  const unit = (fields.intervalUnit ?? 'Hours').toLowerCase();
  const every = value === 1 ? `every ${unit.slice(0, -1)}` : `every ${value} ${unit}`;
  const window = fields.intervalWindowStart && fields.intervalWindowEnd
    ? ` from ${fields.intervalWindowStart} to ${fields.intervalWindowEnd}`
    : '';
  return `${every}${window}, ${days}, ${zone}`;
}

function describeDays(daysOfWeek: string): string {
  const days = daysOfWeek.split(',').filter((d) => d !== '').map(Number);
  const key = days.join(',');
  if (key === '0,1,2,3,4,5,6') return 'every day';
  if (key === '1,2,3,4,5') return 'weekdays';
  if (key === '0,6') return 'weekends';
  return listAnd(days.map((d) => `${DAY_NAMES[d]}s`));
}

function listAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
