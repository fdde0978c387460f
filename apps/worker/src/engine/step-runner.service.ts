import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { CANCELLED_BY_USER, ConnectedSystemHolds, ExecutionRepository } from '@jim/persistence';
import { isStepAbortReason, type StepAbortReason, type StepExecutorRegistry, type StepResult } from '@jim/steps';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { StepTelemetry } from '../observability/step-telemetry';
import { RunningSteps } from './running-steps';
import { StepDispatcher } from './step-dispatcher';
import { StepOutputJobLog, type StepJobLog } from './step-job-log';
import { STEP_EXECUTORS } from './step-executors.provider';

export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
const CANCEL_POLL_MS = 1000;
const HEARTBEAT_MS = 5000;

/** Runs one step: claims it, runs its executor under a timeout and cancel watch, stores the result, advances. */
@Injectable()
export class StepRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('StepRunner');
  readonly running = new RunningSteps();
  private watch?: NodeJS.Timeout;
  private lastHeartbeat = 0;

  constructor(
    private readonly store: ExecutionRepository,
    private readonly dispatcher: StepDispatcher,
    @Inject(STEP_EXECUTORS) private readonly executors: StepExecutorRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly telemetry: StepTelemetry,
    private readonly holds: ConnectedSystemHolds,
  ) {}

  onModuleInit(): void {
    this.watch = setInterval(() => void this.watchRunning(), CANCEL_POLL_MS);
    this.watch.unref();
  }

  onModuleDestroy(): void {
    if (this.watch) clearInterval(this.watch);
  }

  /**
   * `attempt`: a retry's job runs only that attempt of the step. A RunProfile step of an exclusive connected system
   * first takes its place in the system's line: if the system is busy its job ends here, and the step gets a new job
   * when the system is handed to it (`granted`: this job is that one, so it goes straight to the claim). The step's
   * end hands the system on in its own transaction; otherwise (not claimed, detached, failed to record) it is handed
   * on after the job, once the step no longer needs it.
   */
  async run(executionStepId: string, job: StepJobLog, attempt?: number, granted?: boolean): Promise<string> {
    if (!granted && (await this.holds.enter(executionStepId, attempt)) === 'wait') return 'waiting for its connected system';
    const ended = { handedOn: false };
    try {
      return await this.runStep(executionStepId, job, attempt, ended);
    } finally {
      if (!ended.handedOn) await this.dispatcher.enqueue(await this.holds.release(executionStepId));
    }
  }

  private async runStep(executionStepId: string, job: StepJobLog, attempt: number | undefined, ended: { handedOn: boolean }): Promise<string> {
    const claim = await this.store.claimStep(executionStepId, WORKER_ID, attempt);
    if (claim.kind === 'skip') return `skipped: ${claim.reason}`;
    const { step } = claim;
    const observed = this.telemetry.begin(executionStepId, step);
    const timeoutSeconds = step.timeoutSeconds ?? this.config.steps.defaultTimeoutSeconds;
    const controller = new AbortController();
    // A resumed step (its run already sent to JIM) keeps the time it had left.
    const spentMs = step.dispatchState ? Math.max(0, Date.now() - step.dispatchState.dispatchedAt.getTime()) : 0;
    const timer = setTimeout(
      () => controller.abort({ kind: 'timeout', message: `Timed out after ${timeoutSeconds} s` } satisfies StepAbortReason),
      Math.max(1000, timeoutSeconds * 1000 - spentMs),
    );
    const log = new StepOutputJobLog(job, [...step.secrets, ...this.config.steps.serviceSecrets]);
    this.running.add(executionStepId, controller);
    let result: StepResult;
    try {
      result = await this.executors.get(step.spec.stepType).execute(step.spec, {
        scheduleId: step.scheduleId ?? '',
        executionId: step.executionId,
        signal: controller.signal,
        timeoutMs: timeoutSeconds * 1000,
        log: (line) => log.add(line),
        dispatchState: step.dispatchState,
        recordDispatch: (state) => this.store.recordDispatch(executionStepId, state),
      });
    } catch (error) {
      result = { outcome: 'Failed', exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: `Step executor failed: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
      this.running.delete(executionStepId);
      await log.end();
    }
    if (result.detached) {
      const resumed = await this.store.releaseStep(executionStepId, step.executionId);
      if (resumed) {
        observed.end('Detached', result.errorMessage);
        await this.dispatcher.enqueue(resumed);
        return 'detached';
      }
    }
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && isStepAbortReason(reason) && reason.kind === 'cancelled') {
      observed.end('Cancelled', reason.message);
      const woken = await this.store.cancelStep(executionStepId, { ...result, errorMessage: reason.message });
      ended.handedOn = true;
      await this.dispatcher.enqueue(woken);
      await this.startWaiting(step.scheduleId);
      return 'cancelled';
    }
    observed.end(result.outcome, result.errorMessage);
    const timedOut = controller.signal.aborted && isStepAbortReason(reason) && reason.kind === 'timeout';
    const { next, handedOn } = await this.store.completeStepHandingOn(executionStepId, step.executionId, result, { timedOut, stepType: step.spec.stepType });
    ended.handedOn = true;
    // The step handed the system first: its grant committed with this step's end.
    await this.dispatcher.enqueue(handedOn);
    // No next group or retry: the execution waits for siblings or has ended, and an execution waiting behind it may start.
    if (next) await this.dispatcher.enqueue(next);
    else await this.startWaiting(step.scheduleId);
    return result.outcome;
  }

  /** Overlap policies BufferOne and BufferAll: the schedule's next waiting execution, if none runs now. */
  private async startWaiting(scheduleId: string | null): Promise<void> {
    if (scheduleId) await this.dispatcher.enqueue(await this.store.promoteWaiting(scheduleId));
  }

  /** Stops steps whose execution was cancelled (within about a second), and proves this worker is alive. */
  private async watchRunning(): Promise<void> {
    const ids = this.running.ids();
    if (ids.length === 0) return;
    try {
      for (const id of await this.store.cancelledAmong(ids)) {
        this.running.abort(id, { kind: 'cancelled', message: CANCELLED_BY_USER });
      }
      if (Date.now() - this.lastHeartbeat >= HEARTBEAT_MS) {
        this.lastHeartbeat = Date.now();
        await this.store.heartbeat(ids);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not check running steps');
    }
  }
}
