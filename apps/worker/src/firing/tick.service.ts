import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { startTicks, type TickOutcome, type TickRequest } from '@jim/persistence';
import { JobSchedulerSync } from '@jim/queue';
import type { DataSource } from 'typeorm';
import { TICKS_DATA_SOURCE } from '../database.module';
import { StepDispatcher } from '../engine/step-dispatcher';
import { planTick } from './tick-decision';
import { WorkerMetrics } from '../observability/worker-metrics';

export type { TickOutcome };

/** Ticks handled by one transaction at most. */
const MAX_BATCH = 25;

interface PendingTick {
  scheduleId: string;
  nominal: Date;
  resolve: (outcome: TickOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * One cron tick → at most one execution. The (schedule, nominal time) key makes retries, stalls and several
 * workers harmless; a tick the schedule no longer produces does nothing.
 *
 * Ticks that fall due together (many schedules on the same second) are handled together: those submitted in the
 * same turn of the event loop share one transaction and one queue call, so a thousand of them cost a few round
 * trips instead of a thousand transactions. A batch that fails is retried tick by tick, so one bad tick fails alone.
 */
@Injectable()
export class TickService {
  private readonly logger = new Logger('Ticks');
  private pending: PendingTick[] = [];
  private flushScheduled = false;

  constructor(
    @InjectDataSource(TICKS_DATA_SOURCE) private readonly db: DataSource,
    private readonly dispatcher: StepDispatcher,
    private readonly schedulers: JobSchedulerSync,
    private readonly metrics: WorkerMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async fire(scheduleId: string, nominal: Date): Promise<TickOutcome> {
    const outcome = await new Promise<TickOutcome>((resolve, reject) => {
      this.pending.push({ scheduleId, nominal, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
    // A deferred tick (jitter) is counted once, when it comes back to start.
    if (outcome.kind !== 'deferred') this.metrics.recordTick(outcome, nominal);
    if (outcome.kind === 'stale') {
      this.logger.log({ scheduleId, nominal: nominal.toISOString(), reason: outcome.reason }, 'Ignored a stale tick');
      await this.healScheduler(scheduleId);
    } else if (outcome.kind === 'skipped' || outcome.kind === 'missed') {
      this.logger.warn({ scheduleId, nominal: nominal.toISOString(), reason: outcome.reason }, 'Skipped a tick');
    }
    return outcome;
  }

  private flush(): void {
    this.flushScheduled = false;
    const ready = this.pending;
    this.pending = [];
    // One tick per schedule per batch; a second tick of the same schedule (a late retry) goes in a later batch.
    let batch: PendingTick[] = [];
    let inBatch = new Set<string>();
    const later: PendingTick[] = [];
    const batches: PendingTick[][] = [];
    for (const tick of ready) {
      if (inBatch.has(tick.scheduleId)) {
        later.push(tick);
        continue;
      }
      batch.push(tick);
      inBatch.add(tick.scheduleId);
      if (batch.length === MAX_BATCH) {
        batches.push(batch);
        batch = [];
        inBatch = new Set();
      }
    }
    if (batch.length > 0) batches.push(batch);
    for (const b of batches) void this.run(b);
    if (later.length > 0) {
      this.pending.push(...later);
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private async run(batch: PendingTick[]): Promise<void> {
    try {
      const outcomes = await this.start(batch);
      batch.forEach((tick, i) => tick.resolve(outcomes[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map((tick) => this.run([tick])));
    }
  }

  private async start(batch: PendingTick[]): Promise<TickOutcome[]> {
    const requests: TickRequest[] = batch.map(({ scheduleId, nominal }) => ({
      scheduleId,
      nominal,
      check: (schedule) =>
        planTick(
          schedule,
          {
            scheduleId,
            catchUpWindowSeconds: schedule.catchUpWindowSeconds ?? this.config.worker.misfireGraceSeconds,
            jitterSeconds: schedule.jitterSeconds,
          },
          nominal,
          new Date(),
        ),
    }));
    const outcomes = await this.db.transaction((tx) => startTicks(tx, requests));
    await this.dispatcher.enqueueMany(
      outcomes.flatMap((o) => (o.kind === 'started' ? [{ executionId: o.executionId, stepIds: o.firstGroupStepIds }] : [])),
    );
    return outcomes;
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
