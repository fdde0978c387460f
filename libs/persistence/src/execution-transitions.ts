import { ACTIVE_EXECUTION_STATUSES, SETTLED_STEP_STATUSES, type ExecutionStatus, type StepStatus } from './entities/enums';

/**
 * The execution state machine: every status an execution may move to from each status. An execution starts
 * InProgress, or Queued while it waits for its turn behind a running one (overlap policies BufferOne, BufferAll, and
 * backfills); it ends Complete, Failed or Cancelled, and never leaves an end.
 */
export const EXECUTION_TRANSITIONS: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  Queued: ['InProgress', 'Cancelled'],
  InProgress: ['Complete', 'Failed', 'Cancelled'],
  Complete: [],
  Failed: [],
  Cancelled: [],
};

/**
 * A step's: Pending until its group is dispatched, Queued until a worker claims it, Processing while it runs; a
 * Processing RunProfile step already sent to JIM goes back to Queued to be resumed. Steps that never ran are Cancelled.
 */
export const STEP_TRANSITIONS: Readonly<Record<StepStatus, readonly StepStatus[]>> = {
  Pending: ['Queued', 'Cancelled'],
  Queued: ['Processing', 'Cancelled', 'WaitingForResource'],
  Processing: ['Completed', 'CompletedWithWarning', 'CompletedWithError', 'Failed', 'Cancelled', 'Queued'],
  Completed: [],
  CompletedWithWarning: [],
  CompletedWithError: [],
  Failed: [],
  Cancelled: [],
  /** In line for an exclusive connected system; back to Queued when the system is handed to it. */
  WaitingForResource: ['Queued', 'Cancelled'],
};

export class IllegalTransition extends Error {
  constructor(kind: 'execution' | 'step', from: string, to: string) {
    super(`An ${kind === 'execution' ? 'execution' : 'execution step'} cannot go from ${from} to ${to}`);
  }
}

export function canMoveExecution(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return EXECUTION_TRANSITIONS[from].includes(to);
}

export function canMoveStep(from: StepStatus, to: StepStatus): boolean {
  return STEP_TRANSITIONS[from].includes(to);
}

/** Throws {@link IllegalTransition} for a move the table does not allow. */
export function assertExecutionMove(from: ExecutionStatus, to: ExecutionStatus): void {
  if (!canMoveExecution(from, to)) throw new IllegalTransition('execution', from, to);
}

export function assertStepMove(from: StepStatus, to: StepStatus): void {
  if (!canMoveStep(from, to)) throw new IllegalTransition('step', from, to);
}

/** The statuses from which a step may move to `to`: the guard of the statement that moves it. */
export function stepStatusesInto(to: StepStatus): StepStatus[] {
  return (Object.keys(STEP_TRANSITIONS) as StepStatus[]).filter((from) => STEP_TRANSITIONS[from].includes(to));
}

/** Consistency of the table with the status lists of enums.ts, checked by the unit tests. */
export const TERMINAL = {
  executions: (Object.keys(EXECUTION_TRANSITIONS) as ExecutionStatus[]).filter((s) => EXECUTION_TRANSITIONS[s].length === 0),
  steps: (Object.keys(STEP_TRANSITIONS) as StepStatus[]).filter((s) => STEP_TRANSITIONS[s].length === 0),
  activeExecutions: ACTIVE_EXECUTION_STATUSES,
  settledSteps: SETTLED_STEP_STATUSES,
};
