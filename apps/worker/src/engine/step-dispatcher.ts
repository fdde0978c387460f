import { Injectable } from '@nestjs/common';
import { STEP_JOB, stepJobId, StepQueues, type StepJobData } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { Dispatch } from './execution-store';

/** Hands queued steps to the step queue. Job ids are derived from step ids, so a repeat enqueues nothing new. */
@Injectable()
export class StepDispatcher {
  constructor(private readonly steps: StepQueues) {}

  async enqueue(dispatch: Dispatch | null): Promise<void> {
    if (dispatch) await this.enqueueMany([dispatch]);
  }

  /** Every step of every dispatch, in one call per step queue (each execution's steps go to its own). */
  async enqueueMany(dispatches: Dispatch[]): Promise<void> {
    const byQueue = new Map<Queue, { name: string; data: StepJobData; opts: object }[]>();
    for (const dispatch of dispatches) {
      const queue = this.steps.forExecution(dispatch.executionId);
      const jobs = byQueue.get(queue) ?? byQueue.set(queue, []).get(queue)!;
      for (const id of dispatch.stepIds) {
        jobs.push({
          name: STEP_JOB,
          data: { executionId: dispatch.executionId, executionStepId: id },
          // A resumed step's first job still exists (stalled or finished), so it gets a job of its own; claiming stays once-only.
          opts: { jobId: dispatch.resume ? `${stepJobId(id)}-resume-${Date.now()}` : stepJobId(id), removeOnComplete: 1000, removeOnFail: 5000 },
        });
      }
    }
    await Promise.all([...byQueue].filter(([, jobs]) => jobs.length > 0).map(([queue, jobs]) => queue.addBulk(jobs)));
  }
}
