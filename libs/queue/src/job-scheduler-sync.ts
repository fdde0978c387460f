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
   * A pass that waits longer than `stallMs` for any one call (a connection that never answers) is abandoned with a
   * ReconcileStalledError, so that its caller can give up its turn; the abandoned pass starts no further call.
   */
  async reconcile(
    source: FiringSource,
    { pageSize = DEFAULT_RECONCILE_PAGE, stallMs = DEFAULT_RECONCILE_STALL_MS }: { pageSize?: number; stallMs?: number } = {},
  ): Promise<ReconcileReport> {
    return withStallBound(stallMs, (step) => this.reconcileBounded(source, pageSize, step));
  }

  private async reconcileBounded(source: FiringSource, pageSize: number, step: Step): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, upserted: 0, removed: 0 };
    const seen = new SchedulerIndex();
    // Ranks shift as schedulers are removed (here, or by BullMQ when one has lost its data): the next page starts
    // after what this page kept. A scheduler that fires meanwhile moves within the set; one skipped for that is
    // upserted in step 2.
    for (let start = 0; ; ) {
      const page = await step(this.tickQueue.getJobSchedulers(start, start + pageSize - 1, true));
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
          await step(this.tickQueue.removeJobScheduler(id));
          removed++;
        }
      }
      report.removed += removed;
      start += page.length - removed;
    }
    const batches = source.batches()[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await step(batches.next());
        if (next.done) break;
        const firing = next.value.filter(fires);
        report.checked += firing.length;
        const stale = firing.filter((spec) => !seen.claim(spec.id, spec.cronExpression, spec.timeZone));
        // A bounded number at a time: a thousand upserts in flight at once grow the heap for little gain in speed.
        for (let i = 0; i < stale.length; i += UPSERTS_IN_FLIGHT) await step(Promise.all(stale.slice(i, i + UPSERTS_IN_FLIGHT).map((spec) => this.apply(spec))));
        report.upserted += stale.length;
      }
    } catch (error) {
      // Closes the source (as `for await` would), without waiting on a read that may never answer.
      batches.return?.().catch(() => undefined);
      throw error;
    }
    for (const scheduleIds of seen.unclaimed(pageSize)) {
      const firing = new Set((await step(source.specsOf(scheduleIds))).filter(fires).map((spec) => spec.id));
      for (const id of scheduleIds) {
        if (firing.has(id)) continue;
        await step(this.tickQueue.removeJobScheduler(schedulerIdFor(id)));
        report.removed++;
      }
    }
    return report;
  }
}

/** A reconcile pass waited longer than its bound for one call; it was abandoned and started no call after. */
export class ReconcileStalledError extends Error {
  readonly code = 'RECONCILE_STALLED';

  constructor(stallMs: number) {
    super(`The reconcile pass got no answer within ${stallMs} ms and was abandoned`);
    this.name = 'ReconcileStalledError';
  }
}

/** One call of a bounded pass: its answer, or ReconcileStalledError (see withStallBound). */
type Step = <T>(work: Promise<T>) => Promise<T>;

/**
 * Runs `work` with each of its calls wrapped in `step`, which rejects with ReconcileStalledError once no call has
 * settled for `stallMs`; so does every later step, so the work stops at its next call even if the late one answers.
 */
async function withStallBound<T>(stallMs: number, work: (step: Step) => Promise<T>): Promise<T> {
  const guard = new StallGuard(stallMs);
  try {
    return await work((call) => guard.step(call));
  } finally {
    guard.dispose();
  }
}

class StallGuard {
  private timer?: NodeJS.Timeout;
  private stalled: ReconcileStalledError | null = null;
  private readonly waiting = new Set<(error: Error) => void>();

  constructor(private readonly stallMs: number) {
    this.arm();
  }

  async step<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined);
    if (this.stalled) throw this.stalled;
    let reject!: (error: Error) => void;
    const stalled = new Promise<never>((_, r) => (reject = r));
    this.waiting.add(reject);
    try {
      const value = await Promise.race([work, stalled]);
      if (this.stalled) throw this.stalled;
      this.arm();
      return value;
    } finally {
      this.waiting.delete(reject);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stalled = new ReconcileStalledError(this.stallMs);
      for (const reject of this.waiting) reject(this.stalled);
    }, this.stallMs);
    this.timer.unref();
  }
}

/** Job schedulers a reconcile pass writes at once. */
const UPSERTS_IN_FLIGHT = 100;

/** Schedules (and job schedulers) looked at per step of a reconcile pass. */
export const DEFAULT_RECONCILE_PAGE = 1000;

/** How long a reconcile pass waits for any one call before it is abandoned. */
export const DEFAULT_RECONCILE_STALL_MS = 60_000;

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
 * that an older worker may still consume. Returns how many were removed. Like a reconcile pass, it is abandoned
 * with ReconcileStalledError when one call waits longer than `stallMs`; what it removed stays removed.
 */
export async function removeScheduleSchedulers(queue: Queue, { stallMs = DEFAULT_RECONCILE_STALL_MS }: { stallMs?: number } = {}): Promise<number> {
  return withStallBound(stallMs, async (step) => {
    let removed = 0;
    for (;;) {
      const page = await step(queue.getJobSchedulers(0, 999, true));
      const ours = page.map((s) => s.key ?? s.id ?? '').filter((id) => scheduleIdOfScheduler(id));
      if (ours.length === 0) return removed;
      for (const id of ours) if (await step(queue.removeJobScheduler(id))) removed++;
    }
  });
}
