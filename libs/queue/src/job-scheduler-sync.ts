import { fires, type FiringFields } from '@jim/trigger';
import type { Queue } from 'bullmq';
import { TICK_JOB, schedulerIdFor, scheduleIdOfScheduler, type TickJobData } from './names';

/** A schedule's firing fields: what its job scheduler follows. */
export interface FiringSpec extends FiringFields {
  id: string;
}

export interface ReconcileReport {
  checked: number;
  upserted: number;
  removed: number;
}

/** Keeps one BullMQ job scheduler per enabled cron schedule, with ids only in the job data. */
export class JobSchedulerSync {
  constructor(private readonly tickQueue: Queue) {}

  async apply(spec: FiringSpec): Promise<void> {
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

  async remove(scheduleId: string): Promise<void> {
    await this.tickQueue.removeJobScheduler(schedulerIdFor(scheduleId));
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
