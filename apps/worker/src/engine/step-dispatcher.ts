import { Inject, Injectable } from '@nestjs/common';
import { STEP_QUEUE_TOKEN, stepJobs } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { Dispatch } from '@jim/persistence';

/** Hands queued steps to the step queue. Job ids are derived from step ids, so a repeat enqueues nothing new. */
@Injectable()
export class StepDispatcher {
  constructor(@Inject(STEP_QUEUE_TOKEN) private readonly steps: Queue) {}

  async enqueue(dispatch: Dispatch | null): Promise<void> {
    if (dispatch) await this.enqueueMany([dispatch]);
  }

  /** Every step of every dispatch, in one call to the queue. */
  async enqueueMany(dispatches: Dispatch[]): Promise<void> {
    const jobs = stepJobs(dispatches);
    if (jobs.length > 0) await this.steps.addBulk(jobs);
  }
}
