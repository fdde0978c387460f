import type { TickTimes } from '@jim/persistence';
import { compileCron, fires, type FiringFields } from '@jim/trigger';

/**
 * Whether a tick for `nominal` still stands for the schedule as it now is (a reason when it is stale), and the times
 * it moves the schedule on to. A tick that starts nothing still moves the next run time on.
 */
export function decideTick(schedule: FiringFields, nominal: Date, now: Date): { stale: string } | TickTimes {
  if (!fires(schedule)) return { stale: 'schedule no longer fires' };
  const trigger = compileCron(schedule.cronExpression, schedule.timeZone);
  if (!trigger.isFireTime(nominal)) return { stale: 'schedule was re-timed' };
  return { nextRunTime: trigger.next(new Date(Math.max(nominal.getTime(), now.getTime()))), followingTick: trigger.next(nominal) };
}
