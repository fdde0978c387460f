import {
  abortMessage,
  buildRunProfileRequest,
  errorText,
  failedResult,
  isStepAbortReason,
  safeLogger,
  type DispatchState,
  type RunProfileRequest,
  type StepContext,
  type StepExecutor,
  type StepOutcome,
  type StepResult,
  type StepSpec,
} from '@jim/steps';
import type { ActivityFollower, ActivityNews, FollowedActivity } from './activity-follower';
import { isTerminalActivityStatus, JimHttpError, JimUnreachableError, type JimActivityStatus, type JimSyncClient } from './jim-sync-client';

const OUTCOME_BY_STATUS: Partial<Record<JimActivityStatus, StepOutcome>> = {
  Complete: 'Completed',
  CompleteWithWarning: 'CompletedWithWarning',
  CompleteWithError: 'CompletedWithError',
  FailedWithError: 'Failed',
  Cancelled: 'Cancelled',
};

/** JIM's clock and ours differ a little; an activity created this long before our dispatch instant still counts. */
const CLOCK_SLACK_MS = 5000;
const MAX_BACKOFF_MS = 10_000;

export interface JimRunProfileExecutorOptions {
  client: JimSyncClient;
  follower: ActivityFollower;
  /** How long a cancelled run may take to stop in JIM (JIM_KILL_GRACE_SECONDS). */
  cancelGraceMs: number;
  /** First retry delay; default 500 ms, doubling to 10 s. */
  initialBackoffMs?: number;
}

class DispatchUnknown extends Error {}

/**
 * Runs RunProfile steps on JIM: executes the run profile once, stores JIM's activity and task at once, follows the
 * activity to its end, and cancels JIM's worker task when the step times out or is cancelled.
 */
export class JimRunProfileStepExecutor implements StepExecutor {
  readonly stepType = 'RunProfile' as const;
  private readonly backoffMs: number;

  constructor(private readonly opts: JimRunProfileExecutorOptions) {
    this.backoffMs = opts.initialBackoffMs ?? 500;
  }

  async execute(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));
    const request = buildRunProfileRequest(step, ctx);
    if (typeof request === 'string') return failedResult(request);
    const log = safeLogger(ctx);

    let target: FollowedActivity;
    try {
      target = await this.dispatchOrResume(request, ctx, log);
    } catch (error) {
      if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));
      return failedResult(this.failureMessage(error, request));
    }

    let news: ActivityNews;
    try {
      news = await this.opts.follower.untilFinished(target, ctx.signal);
    } catch (error) {
      if (!ctx.signal.aborted) return failedResult(`Could not follow JIM activity ${target.activityId}: ${errorText(error)}`);
      if (isStepAbortReason(ctx.signal.reason) && ctx.signal.reason.kind === 'shutdown') {
        // The run goes on in JIM; another worker resumes following it.
        log(`Worker shutting down; JIM activity ${target.activityId} is left running for another worker to follow`);
        return { ...failedResult(abortMessage(ctx.signal)), detached: true };
      }
      return this.stop(target, ctx, log);
    }
    return toStepResult(news, target.activityId, log);
  }

  private async dispatchOrResume(request: RunProfileRequest, ctx: StepContext, log: (line: string) => void): Promise<FollowedActivity> {
    const earlier = ctx.dispatchState ?? null;
    if (earlier?.activityId) {
      log(`Resuming JIM activity ${earlier.activityId}`);
      return { activityId: earlier.activityId, taskId: earlier.taskId };
    }
    if (earlier) {
      // An earlier run of this step sent execute and stopped before storing JIM's answer.
      log(`Looking for the activity of the run sent at ${earlier.dispatchedAt.toISOString()}`);
      return this.adopt(request, earlier, ctx, 'the worker that sent execute stopped before storing its answer');
    }
    const state: DispatchState = { dispatchedAt: new Date(), activityId: null, taskId: null };
    await ctx.recordDispatch?.(state);
    log(`Running '${request.runProfileName}' (${request.runType}) on '${request.connectedSystemName}' in JIM`);
    for (let attempt = 0; ; attempt++) {
      try {
        // Not aborted with the step: a run JIM has started must be known, to be cancelled or followed.
        const answer = await this.opts.client.execute(request.connectedSystemId, request.runProfileId);
        for (const warning of answer.warnings ?? []) log(`JIM warning: ${warning}`);
        const dispatched = { ...state, activityId: answer.activityId, taskId: answer.taskId };
        await ctx.recordDispatch?.(dispatched);
        log(`JIM activity ${answer.activityId}, worker task ${answer.taskId}`);
        return { activityId: answer.activityId, taskId: answer.taskId };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (error instanceof JimUnreachableError && error.maybeSent) {
          return this.adopt(request, state, ctx, `execute got no answer (${error.message})`);
        }
        if (error instanceof JimHttpError && error.retryable && error.status !== 429 && error.status !== 503) {
          // JIM may have saved the activity before failing; never start a second run beside it.
          const found = await this.findDispatched(request, state, ctx.signal).catch((lookup: unknown) => {
            throw new DispatchUnknown(`Dispatch outcome unknown: execute answered ${error.status}, and looking for the activity JIM may have created failed: ${errorText(lookup)}`);
          });
          if (found.length > 0) return this.adopt(request, state, ctx, `execute answered ${error.status}`);
        }
        if (!isRetryable(error)) throw error;
        log(`JIM unavailable (${errorText(error)}); retrying`);
        await this.pause(error, attempt, ctx.signal);
      }
    }
  }

  /** Finds the activity JIM created for a dispatch whose answer was lost, and takes it as this step's. */
  private async adopt(request: RunProfileRequest, state: DispatchState, ctx: StepContext, why: string): Promise<FollowedActivity> {
    const tried = `looked for activities of '${request.runProfileName}' on '${request.connectedSystemName}' started by an API key since ${state.dispatchedAt.toISOString()}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      let candidates;
      try {
        candidates = await this.findDispatched(request, state, ctx.signal);
      } catch (error) {
        if (ctx.signal.aborted || !isRetryable(error)) throw new DispatchUnknown(`Dispatch outcome unknown: ${why}; ${tried}, but that failed: ${errorText(error)}`);
        await this.pause(error, attempt, ctx.signal);
        continue;
      }
      if (candidates.length === 1) {
        const activityId = candidates[0].id;
        const taskId = await this.taskOf(activityId, ctx.signal);
        await ctx.recordDispatch?.({ ...state, activityId, taskId });
        safeLogger(ctx)(`Adopted JIM activity ${activityId} (${why})`);
        return { activityId, taskId };
      }
      if (candidates.length > 1) {
        throw new DispatchUnknown(
          `Dispatch outcome unknown: ${why}; ${tried} and found ${candidates.length} (${candidates.map((c) => c.id).join(', ')}), so none was adopted`,
        );
      }
      await this.pause(null, attempt, ctx.signal);
    }
    throw new DispatchUnknown(`Dispatch outcome unknown: ${why}; ${tried} and found none. The run profile was not sent again`);
  }

  private async findDispatched(request: RunProfileRequest, state: DispatchState, signal: AbortSignal) {
    const since = state.dispatchedAt.getTime() - CLOCK_SLACK_MS;
    const activities = await this.opts.client.activities({ connectedSystem: request.connectedSystemName, runProfile: request.runProfileName }, signal);
    return activities.filter(
      (a) =>
        a.initiatedByType === 'ApiKey' &&
        Date.parse(a.created) >= since &&
        (a.connectedSystemRunProfileId == null || a.connectedSystemRunProfileId === request.runProfileId),
    );
  }

  private async taskOf(activityId: string, signal: AbortSignal): Promise<string | null> {
    try {
      return (await this.opts.client.workerTasks(signal)).find((t) => t.activityId === activityId)?.id ?? null;
    } catch {
      return null;
    }
  }

  /** Timeout or cancel: cancel JIM's worker task, wait up to the grace for the activity to end, then end the step. */
  private async stop(target: FollowedActivity, ctx: StepContext, log: (line: string) => void): Promise<StepResult> {
    const message = abortMessage(ctx.signal);
    const grace = AbortSignal.timeout(Math.max(1, this.opts.cancelGraceMs));
    let taskGone = false;
    if (target.taskId) {
      try {
        await this.withRetry(() => this.opts.client.cancelTask(target.taskId!, grace), grace);
        log(`Asked JIM to cancel worker task ${target.taskId}`);
      } catch (error) {
        if (error instanceof JimHttpError && error.status === 404) taskGone = true;
        else log(`Could not cancel JIM worker task ${target.taskId}: ${errorText(error)}`);
      }
    }
    try {
      const news = await this.opts.follower.untilFinished(target, grace);
      // The task had already finished: the activity's own status is the step's result.
      if (taskGone && news.status !== 'Cancelled') return toStepResult(news, target.activityId, log);
      log(`JIM activity ${target.activityId} ended ${news.status}`);
    } catch {
      log(`JIM activity ${target.activityId} had not stopped within ${Math.round(this.opts.cancelGraceMs / 1000)} s`);
    }
    return failedResult(message);
  }

  private async withRetry<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (signal.aborted || !isRetryable(error)) throw error;
        await this.pause(error, attempt, signal);
      }
    }
  }

  private async pause(error: unknown, attempt: number, signal: AbortSignal): Promise<void> {
    const retryAfter = error instanceof JimHttpError ? error.retryAfterMs : null;
    const ms = retryAfter ?? Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** attempt);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private failureMessage(error: unknown, request: RunProfileRequest): string {
    if (error instanceof DispatchUnknown) return error.message;
    if (error instanceof JimHttpError) {
      if (error.status === 401 || error.status === 403) {
        return `JIM refused the API key (${error.status}${error.message && !error.message.startsWith('HTTP') ? `: ${error.message}` : ''})`;
      }
      if (error.status === 404) {
        return `JIM could not find the run profile: ${error.message.startsWith('HTTP') ? `connected system ${request.connectedSystemId} or run profile ${request.runProfileId} does not exist` : error.message}`;
      }
      return `JIM refused to run '${request.runProfileName}' on '${request.connectedSystemName}' (${error.status}): ${error.message}`;
    }
    return `Run profile could not be sent to JIM: ${errorText(error)}`;
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof JimHttpError) return error.retryable;
  return error instanceof JimUnreachableError;
}

function toStepResult(news: ActivityNews, activityId: string, log: (line: string) => void): StepResult {
  const outcome = isTerminalActivityStatus(news.status) ? OUTCOME_BY_STATUS[news.status] : undefined;
  if (!outcome) return failedResult(`JIM activity ${activityId} ended with an unexpected status: ${news.status}`);
  const message = news.message && news.message.length > 0 ? news.message : null;
  log(`JIM activity ${activityId} finished: ${news.status}${message ? ` - ${message}` : ''}`);
  const fallback: Record<StepOutcome, string | null> = {
    Completed: null,
    CompletedWithWarning: 'Run profile completed with warnings',
    CompletedWithError: 'Run profile completed with errors',
    Failed: 'Run profile failed',
    Cancelled: 'Run profile was cancelled in JIM',
  };
  const errorMessage = outcome === 'Completed' ? null : outcome === 'Cancelled' ? fallback.Cancelled : (message ?? fallback[outcome]);
  return { outcome, exitCode: null, stdoutTail: message, stderrTail: null, errorMessage };
}
