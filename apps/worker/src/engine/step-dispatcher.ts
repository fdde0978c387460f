import { Inject, Injectable } from '@nestjs/common';
import { STEP_JOB, STEP_QUEUE_TOKEN, stepJobId, type StepJobData } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { Dispatch } from './execution-store';

/** Hands queued steps to the step queue. Job ids are derived from step ids, so a repeat enqueues nothing new. */
@Injectable()
export class StepDispatcher {
  constructor(@Inject(STEP_QUEUE_TOKEN) private readonly steps: Queue) {}

  async enqueue(dispatch: Dispatch | null): Promise<void> {
    if (dispatch) await this.enqueueMany([dispatch]);
  }

  /** Every step of every dispatch, in one call to the queue. */
  async enqueueMany(dispatches: Dispatch[]): Promise<void> {
    const jobs = dispatches.flatMap((dispatch) =>
      dispatch.stepIds.map((id) => ({
        name: STEP_JOB,
        data: { executionId: dispatch.executionId, executionStepId: id } satisfies StepJobData,
        // A resumed step's first job still exists (stalled or finished), so it gets a job of its own; claiming stays once-only.
        opts: { jobId: dispatch.resume ? `${stepJobId(id)}-resume-${Date.now()}` : stepJobId(id), removeOnComplete: 1000, removeOnFail: 5000 },
      })),
    );
    if (jobs.length > 0) await this.steps.addBulk(jobs);
  }
}
