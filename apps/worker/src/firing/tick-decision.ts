import { jitterDelayMs, type TickTimes } from '@jim/persistence';
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

/** A schedule's timing policies, as a tick reads them. */
export interface TickPolicies {
  scheduleId: string;
  /** How late (after its jittered start) a tick may still start. */
  catchUpWindowSeconds: number;
  jitterSeconds: number;
}

export type TickPlan =
  | { stale: string }
  /** Not yet: the tick's jittered start is later. */
  | { deferUntil: Date }
  /** Start (or apply the overlap policy to) an execution for `scheduledFor`; `superseded` ticks are recorded as missed. */
  | { scheduledFor: Date; times: TickTimes; superseded: Date[]; missed: null }
  /** Start nothing: this tick and the superseded ones are recorded as missed with the reason. */
  | { scheduledFor: Date; times: TickTimes; superseded: Date[]; missed: string };

/** Ticks looked at when a late tick looks for the latest one due (a one-second trigger after a day's outage). */
const MAX_SUPERSEDED = 100_000;

export function lateReason(lateSeconds: number, windowSeconds: number): string {
  return `Missed: started ${lateSeconds} s after its time, beyond the catch-up window of ${windowSeconds} s`;
}

/**
 * A tick under the schedule's timing policies. Jitter: the tick starts at its nominal time plus a delay fixed by
 * (schedule, nominal time). Catch-up: a tick that comes late while later ticks are also due gives way to the latest of
 * them (at most one late execution after an outage, the rest recorded as missed), which starts only if it is still
 * within the catch-up window.
 */
export function planTick(schedule: FiringFields, policies: TickPolicies, nominal: Date, now: Date): TickPlan {
  const decision = decideTick(schedule, nominal, now);
  if ('stale' in decision) return decision;
  const trigger = compileCron(schedule.cronExpression!, schedule.timeZone);
  const startOf = (t: Date) => t.getTime() + jitterDelayMs(policies.scheduleId, t, policies.jitterSeconds);
  const superseded: Date[] = [];
  let latest = nominal;
  for (let next = trigger.next(latest); next && startOf(next) <= now.getTime() && superseded.length < MAX_SUPERSEDED; next = trigger.next(latest)) {
    superseded.push(latest);
    latest = next;
  }
  const startAt = startOf(latest);
  if (now.getTime() < startAt) return { deferUntil: new Date(startAt) };
  const times: TickTimes = { nextRunTime: decision.nextRunTime, followingTick: trigger.next(latest) };
  const lateMs = now.getTime() - startAt;
  // Whole seconds: a window of 0 still lets an on-time tick start a few milliseconds after its instant.
  const lateSeconds = Math.floor(lateMs / 1000);
  const missed = lateSeconds > policies.catchUpWindowSeconds ? lateReason(lateSeconds, policies.catchUpWindowSeconds) : null;
  return { scheduledFor: latest, times, superseded, missed };
}
