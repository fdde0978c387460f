import type { Queue } from 'bullmq';
import { TICK_JOB, schedulerIdFor, scheduleIdOfScheduler, type TickJobData } from './names';

/** What decides whether, and how, a schedule fires. */
export interface FiringSpec {
  id: string;
  isEnabled: boolean;
  triggerType: 'Cron' | 'Manual';
  cronExpression: string | null;
  timeZone: string;
}

export interface ReconcileReport {
  checked: number;
  upserted: number;
  removed: number;
}

export function fires(spec: FiringSpec): spec is FiringSpec & { cronExpression: string } {
  return spec.isEnabled && spec.triggerType === 'Cron' && !!spec.cronExpression;
}

/** Keeps one BullMQ job scheduler per enabled cron schedule, with ids only in the job data. */
/** How long a failed sync keeps readiness down when no later sync succeeds (the reconciler repairs it meanwhile). */
export const SYNC_FAILURE_HOLD_MS = 60_000;

export class JobSchedulerSync {
  private failure: unknown = null;
  private failedAt = 0;

  constructor(private readonly tickQueue: Queue) {}

  /**
   * The error of the last apply/remove when it failed within SYNC_FAILURE_HOLD_MS and none succeeded since;
   * null otherwise. Held only that long so that a process nobody writes to does not stay unready for ever.
   */
  get lastFailure(): unknown {
    return this.failure && Date.now() - this.failedAt < SYNC_FAILURE_HOLD_MS ? this.failure : null;
  }

  /** Records the outcome for readiness (see lastFailure) and passes it on. */
  private async tracked(work: Promise<unknown>): Promise<void> {
    try {
      await work;
      this.failure = null;
    } catch (error) {
      this.failure = error;
      this.failedAt = Date.now();
      throw error;
    }
  }

  apply(spec: FiringSpec): Promise<void> {
    return this.tracked(this.write(spec));
  }

  private async write(spec: FiringSpec): Promise<void> {
    if (!fires(spec)) {
      await this.tickQueue.removeJobScheduler(schedulerIdFor(spec.id));
      return;
    }
    await this.tickQueue.upsertJobScheduler(
      schedulerIdFor(spec.id),
      { pattern: spec.cronExpression, tz: spec.timeZone },
      {
        name: TICK_JOB,
        data: { scheduleId: spec.id } satisfies TickJobData,
        // A tick that fails because the database is unreachable is retried for about four minutes (1 s doubling);
        // its (schedule, nominal time) key keeps a retry from running twice.
        opts: { attempts: 9, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
      },
    );
  }

  remove(scheduleId: string): Promise<void> {
    return this.tracked(this.tickQueue.removeJobScheduler(schedulerIdFor(scheduleId)));
  }

  /**
   * Makes the queue's schedulers match the database: missing or different ones are upserted, strays removed.
   * `specs` yields every schedule that should fire (enabled cron schedules).
   */
  async reconcile(specs: AsyncIterable<FiringSpec[]>): Promise<ReconcileReport> {
    const existing = await this.existingSchedulers();
    const report: ReconcileReport = { checked: 0, upserted: 0, removed: 0 };
    const wanted = new Set<string>();
    for await (const batch of specs) {
      const changes: Promise<void>[] = [];
      for (const spec of batch) {
        if (!fires(spec)) continue;
        report.checked++;
        const id = schedulerIdFor(spec.id);
        wanted.add(id);
        const current = existing.get(id);
        if (current && current.pattern === spec.cronExpression && (current.tz ?? 'UTC') === spec.timeZone) continue;
        changes.push(this.apply(spec));
        report.upserted++;
      }
      await Promise.all(changes);
    }
    for (const id of existing.keys()) {
      if (wanted.has(id) || !scheduleIdOfScheduler(id)) continue;
      await this.tickQueue.removeJobScheduler(id);
      report.removed++;
    }
    return report;
  }

  private async existingSchedulers(): Promise<Map<string, { pattern?: string; tz?: string }>> {
    const result = new Map<string, { pattern?: string; tz?: string }>();
    const pageSize = 1000;
    for (let start = 0; ; start += pageSize) {
      const page = await this.tickQueue.getJobSchedulers(start, start + pageSize - 1, true);
      for (const scheduler of page) result.set(scheduler.key ?? scheduler.id ?? '', { pattern: scheduler.pattern, tz: scheduler.tz });
      if (page.length < pageSize) break;
    }
    return result;
  }
}

/**
 * Removes every schedule's job scheduler from `queue` (the tick queue under an earlier key prefix): after an upgrade
 * the reconciler re-creates them under the new prefix, and one left behind would keep putting ticks in a queue
 * that an older worker may still consume. Returns how many were removed.
 */
export async function removeScheduleSchedulers(queue: Queue): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await queue.getJobSchedulers(0, 999, true);
    const ours = page.map((s) => s.key ?? s.id ?? '').filter((id) => scheduleIdOfScheduler(id));
    if (ours.length === 0) return removed;
    for (const id of ours) if (await queue.removeJobScheduler(id)) removed++;
  }
}
