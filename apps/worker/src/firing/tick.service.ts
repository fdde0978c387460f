import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordSkippedRun, SCHEDULER_INITIATOR, startExecution, type StartExecutionResult } from '@jim/persistence';
import { JobSchedulerSync } from '@jim/queue';
import { compileCron } from '@jim/trigger';
import type { DataSource } from 'typeorm';
import { StepDispatcher } from '../engine/step-dispatcher';
import { WorkerMetrics } from '../observability/worker-metrics';

export type TickOutcome = Exclude<StartExecutionResult, { kind: 'not-found' }>;

/**
 * One cron tick → at most one execution. The (schedule, nominal time) key makes retries, stalls and
 * several workers harmless; a tick the schedule no longer produces does nothing.
 */
@Injectable()
export class TickService {
  private readonly logger = new Logger('Ticks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly dispatcher: StepDispatcher,
    private readonly schedulers: JobSchedulerSync,
    private readonly metrics: WorkerMetrics,
  ) {}

  async fire(scheduleId: string, nominal: Date): Promise<TickOutcome> {
    const outcome = await this.db.transaction(async (tx): Promise<TickOutcome> => {
      const result = await startExecution(tx, {
        scheduleId,
        trigger: 'Cron',
        scheduledFor: nominal,
        initiator: SCHEDULER_INITIATOR,
        check: (schedule) => {
          if (!schedule.isEnabled || schedule.triggerType !== 'Cron' || !schedule.cronExpression) return { stale: 'schedule no longer fires' };
          const trigger = compileCron(schedule.cronExpression, schedule.timeZone);
          if (!trigger.isFireTime(nominal)) return { stale: 'schedule was re-timed' };
          // A tick that starts nothing still moves the schedule's next run time on.
          return { nextRunTime: trigger.next(new Date(Math.max(nominal.getTime(), Date.now()))), followingTick: trigger.next(nominal) };
        },
      });
      if (result.kind === 'not-found') return { kind: 'stale', reason: 'schedule was deleted' };
      if (result.kind === 'no-steps') await recordSkippedRun(tx, scheduleId, nominal, 'The schedule has no steps', null);
      return result;
    });
    this.metrics.recordTick(outcome, nominal);
    if (outcome.kind === 'started') {
      await this.dispatcher.enqueue({ executionId: outcome.executionId, stepIds: outcome.firstGroupStepIds });
    } else if (outcome.kind === 'stale') {
      this.logger.log({ scheduleId, nominal: nominal.toISOString(), reason: outcome.reason }, 'Ignored a stale tick');
      await this.healScheduler(scheduleId);
    } else if (outcome.kind === 'skipped') {
      this.logger.warn({ scheduleId, nominal: nominal.toISOString(), reason: outcome.reason }, 'Skipped a tick');
    }
    return outcome;
  }

  /** A stale tick means the job scheduler disagrees with the database: bring it back in line. */
  private async healScheduler(scheduleId: string): Promise<void> {
    const [schedule] = await this.db.query(
      `SELECT id, is_enabled AS "isEnabled", trigger_type AS "triggerType", cron_expression AS "cronExpression", time_zone AS "timeZone"
       FROM schedules WHERE id = $1`,
      [scheduleId],
    );
    await (schedule ? this.schedulers.apply(schedule) : this.schedulers.remove(scheduleId)).catch(() => undefined);
  }
}
