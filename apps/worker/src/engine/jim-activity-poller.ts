import { Logger } from '@nestjs/common';
import {
  isTerminalActivityStatus,
  JimHttpError,
  percentComplete,
  type ActivityFollower,
  type ActivityNews,
  type FollowedActivity,
  type JimActivity,
  type JimActivityStatus,
  type JimSyncClient,
  type JimWorkerTask,
  type RunProgress,
} from '@jim/sync';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ActivityNewsRow, ExecutionRepository } from '@jim/persistence';

const POLL_LOCK_KEY = 7_345_011;
/** How often each worker reads the stored news for its own steps (a database read, not a JIM request). */
const DELIVER_MS = 500;
const FINAL_READS_AT_ONCE = 8;
/** More finished runs than this in one poll are looked up in the activity list first. */
const LIST_FINALS_ABOVE = 3;
const MAX_LIST_PAGES = 5;

interface Waiter {
  resolve(news: ActivityNews): void;
}

/**
 * Follows JIM activities within JIM's per-key request budget. One worker at a time (the holder of a PostgreSQL
 * advisory lock) asks JIM for the list of worker tasks once per interval, for every step of every worker, plus one
 * activity read per step whose task has left the list, and writes the news to the steps' rows. Each worker reads its
 * own steps' rows.
 */
export class JimActivityPoller implements ActivityFollower {
  private readonly logger = new Logger('JimActivityPoller');
  private readonly waiters = new Map<string, Set<Waiter>>();
  private timer?: NodeJS.Timeout;
  private leader?: QueryRunner;
  private busy = false;
  private nextPollAt = 0;

  constructor(
    private readonly client: JimSyncClient,
    private readonly store: ExecutionRepository,
    private readonly db: DataSource,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.round(), Math.min(DELIVER_MS, this.pollMs));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.resign();
  }

  untilFinished(target: FollowedActivity, signal: AbortSignal): Promise<ActivityNews> {
    return new Promise<ActivityNews>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const set = this.waiters.get(target.activityId) ?? new Set<Waiter>();
      this.waiters.set(target.activityId, set);
      const onAbort = () => {
        remove();
        reject(signal.reason);
      };
      const remove = () => {
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(target.activityId) === set) this.waiters.delete(target.activityId);
        signal.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: (news) => {
          remove();
          resolve(news);
        },
      };
      set.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      this.start();
    });
  }

  private async round(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (Date.now() >= this.nextPollAt) {
        this.nextPollAt = Date.now() + this.pollMs;
        if (await this.lead()) await this.pollJim();
      }
      await this.deliver();
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not follow JIM activities; will retry');
    } finally {
      this.busy = false;
    }
  }

  /** Holds the poll lock on a connection of its own; a worker that dies releases it with its connection. */
  private async lead(): Promise<boolean> {
    if (this.leader) {
      try {
        await this.leader.query('SELECT 1');
        return true;
      } catch {
        await this.resign();
      }
    }
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [POLL_LOCK_KEY]);
      if (locked) {
        this.leader = runner;
        return true;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not take the JIM poll lock');
    }
    await runner.release().catch(() => undefined);
    return false;
  }

  private async resign(): Promise<void> {
    const runner = this.leader;
    this.leader = undefined;
    if (!runner) return;
    await runner.query('SELECT pg_advisory_unlock($1)', [POLL_LOCK_KEY]).catch(() => undefined);
    await runner.release().catch(() => undefined);
  }

  private async pollJim(): Promise<void> {
    // The leader's own connection: the pool may be busy with the steps it is about to release.
    const followed = await this.store.followedActivities(this.leader?.manager);
    if (followed.length === 0) return;
    let tasks: JimWorkerTask[];
    try {
      tasks = await this.client.workerTasks();
    } catch (error) {
      this.backOff(error);
      return;
    }
    const byActivity = new Map(tasks.filter((t) => t.activityId).map((t) => [t.activityId!, t]));
    const news: ActivityNewsRow[] = [];
    const left: string[] = [];
    for (const { activityId } of followed) {
      const task = byActivity.get(activityId);
      if (task) news.push({ activityId, status: 'InProgress', message: null, progress: { ...taskProgress(task) } });
      else left.push(activityId);
    }
    if (left.length > LIST_FINALS_ABOVE) await this.readFinalsFromList(left, news);
    // Runs that end together are read a few at a time, not one after the other (each still costs one request).
    let stopped = false;
    const readNext = async (): Promise<void> => {
      for (let activityId = left.shift(); activityId && !stopped; activityId = left.shift()) {
        try {
          const activity = await this.client.activity(activityId);
          news.push({ activityId, status: activity.status, message: activityMessage(activity), progress: { ...activityProgress(activity) } });
        } catch (error) {
          if (error instanceof JimHttpError && error.status === 404) {
            news.push({ activityId, status: 'FailedWithError', message: `JIM no longer knows activity ${activityId}`, progress: null });
            continue;
          }
          stopped = true;
          this.backOff(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FINAL_READS_AT_ONCE, left.length) }, readNext));
    await this.store.writeActivityNews(news, this.leader?.manager);
  }

  /**
   * Many runs ended at once: the newest activities, 100 a page, give their final statuses for a request a page instead
   * of one each. Found ones leave `left`; the rest are read one by one.
   */
  private async readFinalsFromList(left: string[], news: ActivityNewsRow[]): Promise<void> {
    const wanted = new Set(left);
    const pages = Math.min(MAX_LIST_PAGES, Math.ceil(left.length / 100) + 1);
    try {
      for (let page = 1; page <= pages && wanted.size > 0; page++) {
        const activities = await this.client.activities({}, undefined, page);
        for (const activity of activities) {
          if (!wanted.has(activity.id) || !isTerminalActivityStatus(activity.status)) continue;
          wanted.delete(activity.id);
          news.push({ activityId: activity.id, status: activity.status, message: activityMessage(activity), progress: { ...activityProgress(activity) } });
        }
        if (activities.length < 100) break;
      }
    } catch (error) {
      this.backOff(error);
    }
    left.splice(0, left.length, ...left.filter((id) => wanted.has(id)));
  }

  private backOff(error: unknown): void {
    if (error instanceof JimHttpError && error.retryAfterMs != null) {
      this.nextPollAt = Math.max(this.nextPollAt, Date.now() + error.retryAfterMs);
    }
    this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'JIM poll failed; will retry');
  }

  private async deliver(): Promise<void> {
    const ids = [...this.waiters.keys()];
    if (ids.length === 0) return;
    for (const row of await this.store.readActivityNews(ids)) {
      if (!isTerminalActivityStatus(row.status)) continue;
      const news: ActivityNews = { status: row.status as JimActivityStatus, message: row.message, progress: (row.progress as RunProgress | null) ?? null };
      for (const waiter of [...(this.waiters.get(row.activityId) ?? [])]) waiter.resolve(news);
    }
  }
}

function taskProgress(task: JimWorkerTask): RunProgress {
  return {
    percentComplete: percentComplete(task.objectsProcessed, task.objectsToProcess),
    objectsProcessed: task.objectsProcessed,
    objectsToProcess: task.objectsToProcess,
    phase: task.steps?.currentStepName ?? (task.status === 'Processing' ? task.progressMessage : task.status),
  };
}

function activityProgress(activity: JimActivity): RunProgress {
  return {
    percentComplete: percentComplete(activity.objectsProcessed, activity.objectsToProcess),
    objectsProcessed: activity.objectsProcessed,
    objectsToProcess: activity.objectsToProcess,
    phase: null,
  };
}

function activityMessage(activity: JimActivity): string | null {
  return activity.errorMessage ?? activity.warningMessage ?? null;
}
