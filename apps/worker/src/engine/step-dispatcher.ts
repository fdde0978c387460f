import { Injectable } from '@nestjs/common';
import type { Dispatch } from '@jim/persistence';
import { StepQueues, stepJobs } from '@jim/queue';
import type { Queue } from 'bullmq';

/** Hands queued steps to the step queue. Job ids are derived from step ids, so a repeat enqueues nothing new. */
@Injectable()
export class StepDispatcher {
  constructor(private readonly steps: StepQueues) {}

  async enqueue(dispatch: Dispatch | null): Promise<void> {
    if (dispatch) await this.enqueueMany([dispatch]);
  }

  /** Every step of every dispatch, in one call per step queue (each execution's steps go to its own). */
  async enqueueMany(dispatches: Dispatch[]): Promise<void> {
    const byQueue = new Map<Queue, Dispatch[]>();
    for (const dispatch of dispatches) {
      const queue = this.steps.forExecution(dispatch.executionId);
      (byQueue.get(queue) ?? byQueue.set(queue, []).get(queue)!).push(dispatch);
    }
    await Promise.all(
      [...byQueue].map(async ([queue, group]) => {
        const jobs = stepJobs(group);
        if (jobs.length > 0) await queue.addBulk(jobs);
      }),
    );
  }
}
