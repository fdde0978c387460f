import type { EventEmitter } from 'node:events';
import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { CLOSE_TIMEOUT_MS, closeWithin } from '../queue-kit';
import { abortMessage, type RunProfileGateway, type RunProfileRequest, type RunProfileResult } from '@jim/steps';
import {
  DEFAULT_RUN_PROFILE_QUEUE_NAME,
  failedJobResult,
  RUN_PROFILE_JOB_NAME,
  runProfileJobId,
  toRunProfileResult,
} from './run-profile-job';

export interface BullmqRunProfileGatewayOptions {
  connection: ConnectionOptions;
  /** Default `run-profiles`. */
  queueName?: string;
  /** BullMQ key prefix; default BullMQ's own (`bull`). */
  prefix?: string;
  /** How long finished jobs stay in Redis, so a re-dispatch finds the result. Default 86400 (one day). */
  keepFinishedJobsSeconds?: number;
  /** Fallback check of the job's state while waiting, in case a completion event was missed. Default 5000. */
  resultPollIntervalMs?: number;
  /** Connection errors of the queue clients; they reconnect by themselves. Default: ignored. */
  onError?: (error: Error) => void;
  /** BullMQ classes bound to the queue backend (e.g. `withBackend(createPostgresBackend)`); default Redis. */
  classes?: { Queue: typeof Queue; QueueEvents: typeof QueueEvents };
}

/** States in which no consumer has taken the job yet, so it can still be withdrawn. */
const NOT_STARTED_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);
const WITHDRAW_TIMEOUT_MS = 2000;

export class RunProfileDispatchAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunProfileDispatchAborted';
  }
}

/**
 * Hands run profiles to the JIM engine through a BullMQ queue (the contract is in
 * docs/run-profile-queue.md) and waits for the consumer's return value.
 */
export class BullmqRunProfileGateway implements RunProfileGateway {
  readonly queueName: string;
  private readonly queue: Queue<RunProfileRequest, unknown, typeof RUN_PROFILE_JOB_NAME>;
  private readonly events: QueueEvents;
  private readonly keepFinishedJobsSeconds: number;
  private readonly pollIntervalMs: number;
  /** Ends each wait still in progress; used by close(). */
  private readonly pendingWaits = new Set<(error: Error) => void>();

  constructor(opts: BullmqRunProfileGatewayOptions) {
    this.queueName = opts.queueName ?? DEFAULT_RUN_PROFILE_QUEUE_NAME;
    this.keepFinishedJobsSeconds = opts.keepFinishedJobsSeconds ?? 86_400;
    this.pollIntervalMs = opts.resultPollIntervalMs ?? 5000;
    const base = { connection: opts.connection, ...(opts.prefix ? { prefix: opts.prefix } : {}) };
    const onError = opts.onError ?? (() => undefined);
    const classes = opts.classes ?? { Queue, QueueEvents };
    this.queue = new classes.Queue(this.queueName, base);
    this.queue.on('error', onError);
    // Created up front so it is already listening when the first job finishes.
    this.events = new classes.QueueEvents(this.queueName, base);
    this.events.on('error', onError);
  }

  async hasConsumer(): Promise<boolean> {
    return (await this.queue.getWorkersCount()) > 0;
  }

  async dispatch(request: RunProfileRequest, signal: AbortSignal): Promise<RunProfileResult> {
    if (signal.aborted) throw new RunProfileDispatchAborted(abortMessage(signal));
    const jobId = runProfileJobId(request);
    const keep = { age: this.keepFinishedJobsSeconds };
    const adding = this.queue.add(RUN_PROFILE_JOB_NAME, request, { jobId, attempts: 1, removeOnComplete: keep, removeOnFail: keep });
    await this.untilAddedOrAborted(adding, jobId, signal);
    return this.waitForResult(jobId, signal);
  }

  async close(): Promise<void> {
    for (const end of [...this.pendingWaits]) end(new Error(`Run-profile gateway for queue '${this.queueName}' was closed`));
    await Promise.all([closeWithin(this.events, CLOSE_TIMEOUT_MS), closeWithin(this.queue, CLOSE_TIMEOUT_MS)]);
  }

  private waitForResult(jobId: string, signal: AbortSignal): Promise<RunProfileResult> {
    const events = this.events as unknown as EventEmitter;
    const completedEvent = `completed:${jobId}`;
    const failedEvent = `failed:${jobId}`;

    return new Promise<RunProfileResult>((resolve, reject) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const cleanUp = () => {
        settled = true;
        this.pendingWaits.delete(onClose);
        events.off(completedEvent, onCompleted);
        events.off(failedEvent, onFailed);
        signal.removeEventListener('abort', onAbort);
        if (poll) clearInterval(poll);
      };
      const settle = (result: RunProfileResult) => {
        if (settled) return;
        cleanUp();
        resolve(result);
      };
      const onCompleted = (args: { returnvalue?: unknown }) => settle(toRunProfileResult(args.returnvalue));
      const onFailed = (args: { failedReason?: string }) => settle(failedJobResult(args.failedReason));
      const onAbort = () => {
        if (settled) return;
        cleanUp();
        const message = abortMessage(signal);
        void this.withdraw(jobId).finally(() => reject(new RunProfileDispatchAborted(message)));
      };
      const onClose = (error: Error) => {
        if (settled) return;
        cleanUp();
        reject(error);
      };
      const check = async () => {
        try {
          const result = await this.finishedResult(jobId);
          if (result) settle(result);
        } catch {
          // A Redis hiccup: the next poll or the event will tell.
        }
      };

      this.pendingWaits.add(onClose);
      events.on(completedEvent, onCompleted);
      events.on(failedEvent, onFailed);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) return onAbort();
      // The job may have finished before the listeners were attached (or on an earlier dispatch).
      void this.events.waitUntilReady().then(check, () => undefined);
      poll = setInterval(() => void check(), this.pollIntervalMs);
    });
  }

  /** The job's result if it has finished, null while it has not. */
  private async finishedResult(jobId: string): Promise<RunProfileResult | null> {
    // State first: a job read before it finished would lack the return value even if it finishes a moment later.
    const state = await this.queue.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return null;
    const job = state === 'unknown' ? undefined : await this.queue.getJob(jobId);
    if (!job) return failedJobResult(`Run-profile job '${jobId}' no longer exists`);
    return state === 'completed' ? toRunProfileResult(job.returnvalue) : failedJobResult(job.failedReason);
  }

  /** Waits for the job to be added, unless the signal aborts first (with Redis slow or away, adding can take long). */
  private untilAddedOrAborted(adding: Promise<unknown>, jobId: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        // If the add still goes through, the job is withdrawn as soon as it exists.
        adding.then(() => this.withdraw(jobId), () => undefined);
        reject(new RunProfileDispatchAborted(abortMessage(signal)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      adding.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Removes the job if no consumer has taken it; a started run profile is left to finish, unobserved. */
  private async withdraw(jobId: string): Promise<void> {
    const attempt = (async () => {
      if (!NOT_STARTED_STATES.has(await this.queue.getJobState(jobId))) return;
      // Removes nothing if a consumer has locked the job in the meantime.
      await this.queue.remove(jobId);
    })();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, WITHDRAW_TIMEOUT_MS).unref());
    await Promise.race([attempt.catch(() => undefined), timeout]);
  }
}
