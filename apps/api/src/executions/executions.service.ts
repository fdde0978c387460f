import { withinTime } from '../common/within-time';
import { Injectable, Logger } from '@nestjs/common';
import { BadRequestError, ConflictError } from '@jim/common';
import { ExecutionRepository, type Initiator } from '@jim/persistence';
import { stepJobId, stepJobs, StepQueues } from '@jim/queue';
import { Inject } from '@nestjs/common';
import { scheduleNotFound } from '../schedules/schedule-not-found';
import type { ScheduleExecutionResponse, ScheduleRunResponse } from './dto/execution-response.dto';
import { ExecutionReader, executionNotFound } from './execution-reader';

/** How long a request waits for the queue before leaving the dispatch to the worker's sweeper. */
const QUEUE_WAIT_MS = 5000;

@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger('Executions');

  constructor(
    @Inject(ExecutionRepository) private readonly executions: ExecutionRepository,
    private readonly stepQueues: StepQueues,
    private readonly reader: ExecutionReader,
  ) {}

  /**
   * Starts a run now, whether the schedule is enabled or not. While another execution is active the schedule's
   * overlap policy applies, unless `overlap` is AllowAll.
   */
  async run(scheduleId: string, initiator: Initiator, overlap: 'AllowAll' | null = null): Promise<ScheduleRunResponse> {
    const result = await this.executions.start({ scheduleId, initiator, overlap });
    switch (result.kind) {
      case 'not-found':
        throw scheduleNotFound(scheduleId);
      case 'no-steps':
        throw new BadRequestError('Cannot run a schedule with no steps');
      case 'skipped':
        throw new ConflictError(
          `Schedule '${result.scheduleName}' was not run: ${result.reason}. Its overlap policy does not start another execution now; add ?overlap=AllowAll to run it anyway.`,
        );
      case 'waiting':
        return {
          executionId: result.executionId,
          message: `Schedule '${result.scheduleName}' queued: it starts when execution ${result.behindExecutionId} has ended`,
          status: 'Queued',
          cancelledExecutionIds: [],
        };
      case 'started':
        await this.dispatch(result.executionId, result.firstGroupStepIds);
        return {
          executionId: result.executionId,
          message: `Schedule '${result.scheduleName}' started successfully`,
          status: 'InProgress',
          cancelledExecutionIds: result.cancelledExecutionIds,
        };
    }
  }

  async cancel(executionId: string): Promise<ScheduleExecutionResponse> {
    const outcome = await this.executions.cancel(executionId);
    if (outcome.kind === 'not-found') throw executionNotFound(executionId);
    if (outcome.kind === 'not-active') throw new BadRequestError(`Cannot cancel execution with status: ${outcome.status}`);
    await this.removeJobs(executionId, outcome.queuedStepIds);
    // An execution waiting behind this one (BufferOne, BufferAll) may start now; the worker's sweeper repairs a miss.
    const promoted = await this.executions.promoteAfter(executionId).catch((error: unknown) => {
      this.logger.warn({ executionId, err: error }, 'Could not start the execution waiting behind a cancelled one; the worker will');
      return null;
    });
    if (promoted) await this.dispatch(promoted.executionId, promoted.stepIds);
    return this.reader.summary(executionId);
  }

  /** After commit: hand the first group to the queue. A failure here is repaired by the worker's sweeper. */
  private async dispatch(executionId: string, stepIds: string[]): Promise<void> {
    if (stepIds.length === 0) return;
    try {
      await withinTime(this.stepQueues.forExecution(executionId).addBulk(stepJobs([{ executionId, stepIds }])), QUEUE_WAIT_MS);
    } catch (error) {
      this.logger.warn(
        { executionId, stepIds, err: error },
        'Could not enqueue the first steps now; the worker will dispatch the queued steps',
      );
    }
  }

  /** Tidiness only: the worker refuses to start a step of a cancelled execution anyway. */
  private async removeJobs(executionId: string, stepIds: string[]): Promise<void> {
    if (stepIds.length === 0) return;
    const queue = this.stepQueues.forExecution(executionId);
    const removals = stepIds.map((id) => queue.remove(stepJobId(id)));
    try {
      await withinTime(Promise.all(removals), QUEUE_WAIT_MS);
    } catch (error) {
      this.logger.warn({ executionId, stepIds, err: error }, 'Could not remove the queued jobs of a cancelled execution');
    }
  }
}
