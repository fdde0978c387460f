import { withinTime } from '../common/within-time';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BadRequestError } from '@jim/common';
import { cancelExecution, startExecution, type Initiator } from '@jim/persistence';
import { STEP_QUEUE_TOKEN, stepJobId, stepJobs } from '@jim/queue';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { scheduleNotFound } from '../schedules/schedule-not-found';
import type { ScheduleExecutionResponse, ScheduleRunResponse } from './dto/execution-response.dto';
import { ExecutionReader, executionNotFound } from './execution-reader';

/** How long a request waits for the queue before leaving the dispatch to the worker's sweeper. */
const QUEUE_WAIT_MS = 5000;

@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger('Executions');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(STEP_QUEUE_TOKEN) private readonly stepQueue: Queue,
    private readonly reader: ExecutionReader,
  ) {}

  /** Starts a run now: always, whether the schedule is enabled or another execution is still active. */
  async run(scheduleId: string, initiator: Initiator): Promise<ScheduleRunResponse> {
    const result = await this.db.transaction((tx) =>
      startExecution(tx, { scheduleId, initiator }),
    );
    switch (result.kind) {
      case 'not-found':
        throw scheduleNotFound(scheduleId);
      case 'no-steps':
        throw new BadRequestError('Cannot run a schedule with no steps');
      case 'started':
        await this.dispatch(result.executionId, result.firstGroupStepIds);
        return { executionId: result.executionId, message: `Schedule '${result.scheduleName}' started successfully` };
    }
  }

  async cancel(executionId: string): Promise<ScheduleExecutionResponse> {
    const queuedStepIds = await this.db.transaction(async (tx) => {
      // Lock the execution before reading its steps, in the same order as the cancellation itself.
      const [execution] = await tx.query(`SELECT id FROM schedule_executions WHERE id = $1 FOR UPDATE`, [executionId]);
      if (!execution) throw executionNotFound(executionId);
      const queued: { id: string }[] = await tx.query(
        `SELECT id FROM schedule_execution_steps WHERE execution_id = $1 AND status = 'Queued'`,
        [executionId],
      );
      const outcome = await cancelExecution(tx, executionId);
      if (!outcome.ok) {
        if (outcome.status === null) throw executionNotFound(executionId);
        throw new BadRequestError(`Cannot cancel execution with status: ${outcome.status}`);
      }
      return queued.map((row) => row.id);
    });
    await this.removeJobs(executionId, queuedStepIds);
    return this.reader.summary(executionId);
  }

  /** After commit: hand the first group to the queue. A failure here is repaired by the worker's sweeper. */
  private async dispatch(executionId: string, stepIds: string[]): Promise<void> {
    if (stepIds.length === 0) return;
    try {
      await withinTime(this.stepQueue.addBulk(stepJobs([{ executionId, stepIds }])), QUEUE_WAIT_MS);
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
    const removals = stepIds.map((id) => this.stepQueue.remove(stepJobId(id)));
    try {
      await withinTime(Promise.all(removals), QUEUE_WAIT_MS);
    } catch (error) {
      this.logger.warn({ executionId, stepIds, err: error }, 'Could not remove the queued jobs of a cancelled execution');
    }
  }
}
