import type { StepResult } from '@jim/steps';
import type { EntityManager } from 'typeorm';
import { prepared } from '../prepared';
import { queryReturning } from '../executions';

/** The longest wait before a retry, however many attempts came before. */
export const MAX_RETRY_DELAY_SECONDS = 3600;

/** JIM activity statuses that end a run in failure: a RunProfile step is sent again only after one of these. */
const FAILED_ACTIVITY_STATUSES = ['FailedWithError', 'CompleteWithError'];
/** Every status that ends a JIM activity: after a timeout, a retry waits until the stopped run has ended. */
const ENDED_ACTIVITY_STATUSES = [...FAILED_ACTIVITY_STATUSES, 'Complete', 'CompleteWithWarning', 'Cancelled'];

/** How an attempt ended: the step outcome, or `TimedOut` when its timeout stopped it. */
export type AttemptOutcome = StepResult['outcome'] | 'TimedOut';

/** The wait before attempt `attempt + 1`: the step's delay doubled for each attempt after the first, at most an hour. */
export function retryDelaySeconds(baseSeconds: number, attempt: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, baseSeconds * 2 ** Math.max(0, attempt - 1));
}

export interface AttemptRow {
  step_type: string;
  attempt: number;
  max_attempts: number;
  retry_delay_seconds: number;
  retry_on_timeout: boolean;
  dispatched_at: Date | null;
  activity_id: string | null;
  activity_status: string | null;
}

/**
 * Whether a finished attempt is run again. Only failures are: never a cancelled attempt, a timed-out one only with
 * `retryOnTimeout`. A RunProfile step sent to JIM is sent again only once its activity is known to have ended in
 * failure (or, after a timeout, to have ended at all): never when the outcome of the dispatch is unknown, which could
 * start a second run beside the first.
 */
export function shouldRetry(step: AttemptRow, outcome: AttemptOutcome): boolean {
  if (step.attempt >= step.max_attempts) return false;
  const timedOut = outcome === 'TimedOut';
  if (timedOut ? !step.retry_on_timeout : outcome !== 'Failed' && outcome !== 'CompletedWithError') return false;
  if (step.step_type !== 'RunProfile') return true;
  if (step.activity_id === null || step.activity_status === null) return false;
  return (timedOut ? ENDED_ACTIVITY_STATUSES : FAILED_ACTIVITY_STATUSES).includes(step.activity_status);
}

/**
 * Records the attempt a Processing step has just finished and, if its retry policy allows, puts the step back in the
 * queue for its next attempt: Processing → Queued, due after the attempt's delay, its JIM dispatch cleared. The
 * caller holds the execution's row lock. Returns the retry to enqueue, or null when the attempt was the step's last.
 */
export async function finishAttempt(
  tx: EntityManager,
  executionStepId: string,
  outcome: AttemptOutcome,
  result: Omit<StepResult, 'outcome'>,
  allowRetry: boolean,
): Promise<{ attempt: number; delayMs: number } | null> {
  // The step's retry fields and the attempt's record, in one statement.
  const [step]: AttemptRow[] = await tx.query(
    prepared(`WITH s AS (
       SELECT id, step_type, attempt, max_attempts, retry_delay_seconds, retry_on_timeout, dispatched_at, activity_id, activity_status, started_at
       FROM schedule_execution_steps WHERE id = $1 AND status = 'Processing'
     ),
     recorded AS (
       INSERT INTO schedule_execution_step_attempts
         (id, execution_step_id, attempt, started_at, completed_at, outcome, exit_code, stdout_tail, stderr_tail, error_message, activity_id)
       SELECT gen_random_uuid(), s.id, s.attempt, s.started_at, clock_timestamp(), $2, $3, $4, $5, $6, s.activity_id FROM s
       ON CONFLICT (execution_step_id, attempt) DO NOTHING
     )
     SELECT step_type, attempt, max_attempts, retry_delay_seconds, retry_on_timeout, dispatched_at, activity_id, activity_status FROM s`),
    [executionStepId, outcome, result.exitCode, result.stdoutTail, result.stderrTail, result.errorMessage],
  );
  if (!step) return null;
  if (!allowRetry || !shouldRetry(step, outcome)) return null;
  const delaySeconds = retryDelaySeconds(step.retry_delay_seconds, step.attempt);
  const retried = await queryReturning<{ attempt: number }>(
    tx,
    prepared(`UPDATE schedule_execution_steps
     SET status = 'Queued', attempt = attempt + 1, worker_id = NULL, started_at = NULL,
         next_attempt_at = clock_timestamp() + make_interval(secs => $2), heartbeat_at = clock_timestamp() + make_interval(secs => $2),
         exit_code = NULL, stdout_tail = NULL, stderr_tail = NULL, error_message = NULL,
         dispatched_at = NULL, activity_id = NULL, task_id = NULL, activity_status = NULL, activity_message = NULL, progress = NULL
     WHERE id = $1 AND status = 'Processing' RETURNING attempt`),
    [executionStepId, delaySeconds],
  );
  return retried.length === 0 ? null : { attempt: retried[0].attempt, delayMs: delaySeconds * 1000 };
}
