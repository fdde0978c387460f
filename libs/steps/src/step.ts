import { STEP_TYPES, type ScheduleStepResponse, type ScheduleStepType } from '@jim/contracts';

export type StepType = ScheduleStepType;

export function isStepType(value: unknown): value is StepType {
  return typeof value === 'string' && (STEP_TYPES as readonly string[]).includes(value);
}

/**
 * A snapshot of one step of a schedule: its definition as the API describes it (each field optional, for the executor
 * of its type reads only its own), the names of what it runs, and the run type of a RunProfile step. Secrets are
 * already decrypted: `sqlConnectionString` is the clear text.
 */
export interface StepSpec extends Partial<Omit<ScheduleStepResponse, 'id' | 'stepIndex' | 'name' | 'stepType'>> {
  stepId: string;
  stepIndex: number;
  name: string;
  stepType: StepType;
  runType?: string | null;
}

/** Passed as `AbortController.abort(reason)`; `message` becomes the step's error message. */
export interface StepAbortReason {
  kind: 'timeout' | 'cancelled' | 'shutdown' | 'worker-lost';
  message: string;
}

export interface StepContext {
  scheduleId: string;
  executionId: string;
  /** Aborted on timeout / cancel / shutdown; `signal.reason` is a {@link StepAbortReason}. */
  signal: AbortSignal;
  /** The step's timeout; SQL steps also enforce it on the database server. */
  timeoutMs: number;
  /** One line of output, already redacted, for the job log. */
  log(line: string): void;
  /** RunProfile steps sent to a sync engine: what an earlier run of this step already sent (resume after a crash). */
  dispatchState?: DispatchState | null;
  /** Stores what was sent, before the step waits on it, so a resumed step never sends it twice. */
  recordDispatch?(state: DispatchState): Promise<void>;
}

/** A run profile handed to JIM: the instant it was sent, and JIM's activity and worker task once JIM answered. */
export interface DispatchState {
  dispatchedAt: Date;
  activityId: string | null;
  taskId: string | null;
}

/** `Cancelled`: the sync engine cancelled the step's work; a failed step status (FAILED_STEP_STATUSES), as `Failed` is. */
export type StepOutcome = 'Completed' | 'CompletedWithWarning' | 'CompletedWithError' | 'Failed' | 'Cancelled';

export interface StepResult {
  outcome: StepOutcome;
  exitCode: number | null;
  stdoutTail: string | null;
  stderrTail: string | null;
  errorMessage: string | null;
  /**
   * The step's work goes on outside this worker (a run in JIM) and the worker is shutting down: the step is handed
   * back to be resumed by another worker instead of being recorded.
   */
  detached?: boolean;
}

/** Runs one kind of step. `execute` never rejects: every failure is a {@link StepResult}. */
export interface StepExecutor {
  readonly stepType: StepType;
  execute(step: StepSpec, ctx: StepContext): Promise<StepResult>;
}
