import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { FIRES_SQL, recordMissedTicks } from '@jim/persistence';
import { compileCron } from '@jim/trigger';
import type { DataSource } from 'typeorm';
import { WorkerMetrics } from '../observability/worker-metrics';

/** Schedules looked at per pass; the rest wait for the next pass. */
const SCHEDULES_PER_PASS = 1000;
/** Nominal times recorded per schedule per pass (a one-second trigger after a long stop); the rest next pass. */
const TICKS_PER_SCHEDULE = 10_000;

export interface MissedTicksReport {
  schedules: number;
  recorded: number;
}

export function missedTickReason(windowSeconds: number): string {
  return `Missed: no worker started this tick within ${windowSeconds} s of its time (queue or database unavailable, or no worker running)`;
}

/**
 * A tick can be lost without anyone seeing it fail: BullMQ keeps only the next iteration of a job scheduler, so
 * ticks that fall due while the queue is down or no worker runs never exist as jobs, and a tick job can exhaust its
 * retries while the database is down. Every schedule carries a watermark (`first_unaccounted_tick`) that handled
 * ticks move on; here, ticks behind it by more than the schedule's catch-up window (the misfire grace by default)
 * plus its jitter that have neither an execution nor a skipped run are recorded as skipped runs with the reason, so
 * that every nominal time ends up accounted for.
 */
@Injectable()
export class MissedTicks {
  private readonly logger = new Logger('MissedTicks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** One pass; the caller makes sure that one worker at a time runs it. */
  async record(now = new Date()): Promise<MissedTicksReport> {
    const graceSeconds = this.config.worker.misfireGraceSeconds;
    // Each schedule's own catch-up window (the grace by default), counted from the tick's latest jittered start.
    const windowSql = `COALESCE(catch_up_window_seconds, $2)`;
    const cutoffSql = `$1::timestamptz - make_interval(secs => ${windowSql} + jitter_seconds)`;
    const candidates: { id: string }[] = await this.db.query(
      `SELECT id FROM schedules WHERE first_unaccounted_tick <= $1 AND first_unaccounted_tick <= ${cutoffSql}
       ORDER BY first_unaccounted_tick LIMIT ${SCHEDULES_PER_PASS}`,
      [now, graceSeconds],
    );
    const report: MissedTicksReport = { schedules: 0, recorded: 0 };
    for (const { id } of candidates) {
      const recorded = await this.db.transaction(async (tx) => {
        const [schedule] = await tx.query(
          `SELECT cron_expression, time_zone, first_unaccounted_tick, ${windowSql} AS window_seconds, ${cutoffSql} AS cutoff FROM schedules
           WHERE id = $3 AND first_unaccounted_tick <= ${cutoffSql} AND ${FIRES_SQL} FOR UPDATE`,
          [now, graceSeconds, id],
        );
        if (!schedule?.cron_expression) return null;
        const cutoff: Date = schedule.cutoff;
        const trigger = compileCron(schedule.cron_expression, schedule.time_zone);
        const from: Date = schedule.first_unaccounted_tick;
        const times: Date[] = [];
        let at = trigger.isFireTime(from) ? from : trigger.next(from);
        while (at && at <= cutoff && times.length < TICKS_PER_SCHEDULE) {
          times.push(at);
          at = trigger.next(at);
        }
        return recordMissedTicks(tx, id, times, missedTickReason(schedule.window_seconds), at);
      });
      if (recorded === null) continue;
      report.schedules++;
      report.recorded += recorded;
      if (recorded > 0) {
        this.metrics.recordMissedTicks(recorded);
        this.logger.warn({ scheduleId: id, recorded }, 'Recorded ticks that no worker started in time as skipped runs');
      }
    }
    return report;
  }
}
