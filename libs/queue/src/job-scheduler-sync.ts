import { fires, type FiringFields } from '@jim/trigger';
import type { Queue } from 'bullmq';
import { TICK_JOB, schedulerIdFor, scheduleIdOfScheduler, type TickJobData } from './names';
import { SchedulerIndex } from './scheduler-index';

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
   * Memory stays flat in the number of schedules: both sides are read in pages of at most `pageSize`, and what is
   * kept across pages is 25 bytes per job scheduler (see SchedulerIndex). Each scheduler is read once, in pages, and
   * each schedule once, in batches; only the exceptions are looked up one by one.
   *  1. The queue's schedulers, page by page (ranges of the scheduler set), into the index.
   *  2. The schedules that should fire, batch by batch from `source.batches()`, each claiming its scheduler in the
   *     index; one that has none there, or one that differs, is upserted. (One that moved within the set while it
   *     was paged is upserted unchanged: harmless, and rare.)
   *  3. The schedulers no schedule claimed: those whose schedule does not fire now (checked in the database through
   *     `source.specsOf`, as a schedule may have been enabled during the pass) are removed.
   */
  async reconcile(source: FiringSource, { pageSize = DEFAULT_RECONCILE_PAGE }: { pageSize?: number } = {}): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, upserted: 0, removed: 0 };
    const seen = new SchedulerIndex();
    // Ranks shift as schedulers are removed (here, or by BullMQ when one has lost its data): the next page starts
    // after what this page kept. A scheduler that fires meanwhile moves within the set; one skipped for that is
    // upserted in step 2.
    for (let start = 0; ; ) {
      const page = await this.tickQueue.getJobSchedulers(start, start + pageSize - 1, true);
      if (page.length === 0) break;
      let removed = 0;
      for (const scheduler of page) {
        const id = scheduler.key ?? scheduler.id ?? '';
        const scheduleId = scheduleIdOfScheduler(id);
        if (scheduleId === null) continue;
        // Ours are written with the database's lower-case ids; anything else is no schedule's.
        if (isUuid(scheduleId) && scheduleId === scheduleId.toLowerCase()) {
          seen.add(scheduleId, scheduler.pattern, scheduler.tz ?? 'UTC');
        } else {
          await this.tickQueue.removeJobScheduler(id);
          removed++;
        }
      }
      report.removed += removed;
      start += page.length - removed;
    }
    for await (const batch of source.batches()) {
      const firing = batch.filter(fires);
      report.checked += firing.length;
      const stale = firing.filter((spec) => !seen.claim(spec.id, spec.cronExpression, spec.timeZone));
      // A bounded number at a time: a thousand upserts in flight at once grow the heap for little gain in speed.
      for (let i = 0; i < stale.length; i += UPSERTS_IN_FLIGHT) await Promise.all(stale.slice(i, i + UPSERTS_IN_FLIGHT).map((spec) => this.apply(spec)));
      report.upserted += stale.length;
    }
    for (const scheduleIds of seen.unclaimed(pageSize)) {
      const firing = new Set((await source.specsOf(scheduleIds)).filter(fires).map((spec) => spec.id));
      for (const id of scheduleIds) {
        if (firing.has(id)) continue;
        await this.tickQueue.removeJobScheduler(schedulerIdFor(id));
        report.removed++;
      }
    }
    return report;
  }
}

/** Job schedulers a reconcile pass writes at once. */
const UPSERTS_IN_FLIGHT = 100;

/** Schedules (and job schedulers) looked at per step of a reconcile pass. */
export const DEFAULT_RECONCILE_PAGE = 1000;

/** Where reconcile reads what should fire. */
export interface FiringSource {
  /** Every enabled cron schedule, in bounded batches. */
  batches(): AsyncIterable<FiringSpec[]>;
  /** The specs of these schedules; unknown ids are left out. */
  specsOf(scheduleIds: string[]): Promise<FiringSpec[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUuid(id: string): boolean {
  return UUID.test(id);
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
