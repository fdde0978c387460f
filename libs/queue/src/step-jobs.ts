import { STEP_JOB, stepJobId, type StepJobData } from './names';

/** Queued steps of one execution, to hand to the step queue. */
export interface StepDispatch {
  executionId: string;
  stepIds: string[];
  /** Steps handed back to the queue to be resumed: their earlier job exists, so they need a new one. */
  resume?: boolean;
  /** A retry: the attempt it runs (its job id carries it, as the earlier attempt's job exists) and when it falls due. */
  retry?: { attempt: number; delayMs: number };
  /** Steps handed their connected system from its line: their jobs skip entering it. */
  granted?: boolean;
}

/**
 * The one producer of step jobs, for the API (a manual run's first group) and the workers (the next group, repairs).
 * Job ids come from step ids, so a repeat enqueues nothing new.
 */
export function stepJobs(dispatches: readonly StepDispatch[]) {
  return dispatches.flatMap((dispatch) =>
    dispatch.stepIds.map((id) => ({
      name: STEP_JOB,
      data: { executionId: dispatch.executionId, executionStepId: id, ...(dispatch.retry ? { attempt: dispatch.retry.attempt } : {}), ...(dispatch.granted ? { granted: true } : {}) } satisfies StepJobData,
      // A resumed step's first job still exists (stalled or finished), so it gets a job of its own; claiming stays once-only.
      opts: {
        jobId: dispatch.resume ? `${stepJobId(id)}-resume-${Date.now()}` : dispatch.retry ? `${stepJobId(id)}-attempt-${dispatch.retry.attempt}` : stepJobId(id),
        // A retry waits as a delayed job, not in a worker.
        ...(dispatch.retry ? { delay: Math.max(0, dispatch.retry.delayMs) } : {}),
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    })),
  );
}
