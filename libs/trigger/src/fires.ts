import type { TriggerType } from '@jim/contracts';

/** What decides whether, and how, a schedule fires on its own. */
export interface FiringFields {
  isEnabled: boolean;
  triggerType: TriggerType;
  cronExpression: string | null;
  timeZone: string;
}

/**
 * The one rule for "does this schedule fire": enabled, Cron, with an expression. The API (next run time, job
 * scheduler), the workers (ticks, reconcile) and the SQL that selects firing schedules all follow it.
 */
export function fires<T extends FiringFields>(schedule: T): schedule is T & { cronExpression: string } {
  return schedule.isEnabled && schedule.triggerType === 'Cron' && !!schedule.cronExpression;
}
