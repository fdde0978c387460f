import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { FIRES_SQL } from '@jim/persistence';
import { CLOSE_TIMEOUT_MS, closeWithin, JobSchedulerSync, QueueKit, removeScheduleSchedulers, TICK_QUEUE, type FiringSource, type FiringSpec, type ReconcileReport } from '@jim/queue';
import type { DataSource } from 'typeorm';
import { withAdvisoryLock } from '../engine/advisory-lock';
import { MissedTicks, type MissedTicksReport } from './missed-ticks';

const RECONCILE_LOCK_KEY = 7_345_002;
const SPEC_COLUMNS = `id, is_enabled AS "isEnabled", trigger_type AS "triggerType", cron_expression AS "cronExpression", time_zone AS "timeZone"`;

/**
 * PostgreSQL is the source of truth for what fires. At start and then periodically, one worker at a time
 * makes the job schedulers match it, so a wiped queue or a write made while the queue was down heals itself.
 * Part of the `firing` role, with the misfire pass.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  private timer?: NodeJS.Timeout;
  private legacyCleared = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly schedulers: JobSchedulerSync,
    private readonly missedTicks: MissedTicks,
    private readonly kit: QueueKit,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.roles.includes('firing')) return;
    void this.pass();
    this.timer = setInterval(() => void this.pass(), this.config.worker.reconcileIntervalSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Returns null when another worker holds the turn. */
  async reconcile(): Promise<ReconcileReport | null> {
    const pageSize = this.config.worker.reconcileBatchSize;
    // A pass stuck on a call that never answers is abandoned (ReconcileStalledError), which releases the turn:
    // another worker, or this one's next pass, starts afresh.
    const stallMs = this.config.worker.reconcileStallSeconds * 1000;
    return withAdvisoryLock(this.db, RECONCILE_LOCK_KEY, async () => {
      await this.removeLegacySchedulers(stallMs);
      return this.schedulers.reconcile(this.firingSource(pageSize), { pageSize, stallMs });
    });
  }

  /**
   * Once per process: job schedulers left under the single `{jim}`-style prefix of earlier versions are removed
   * (the pass below re-creates them under the per-queue prefixes), so that none fires into the old queue.
   */
  private async removeLegacySchedulers(stallMs: number): Promise<void> {
    if (this.legacyCleared) return;
    const legacy = this.kit.legacyTickQueue(TICK_QUEUE);
    if (legacy) {
      try {
        const removed = await removeScheduleSchedulers(legacy, { stallMs });
        if (removed > 0) this.logger.log({ removed }, 'Removed job schedulers left under the previous queue prefix');
      } finally {
        // Bounded: this runs under the reconcile lock, which a close that never settles would hold for ever.
        await closeWithin(legacy, CLOSE_TIMEOUT_MS);
      }
    }
    this.legacyCleared = true;
  }

  /** The misfire pass (see MissedTicks) under the same turn; null when another worker holds it. */
  async recordMissedTicks(): Promise<MissedTicksReport | null> {
    return withAdvisoryLock(this.db, RECONCILE_LOCK_KEY, () => this.missedTicks.record());
  }

  /** One periodic pass (not a schedule's tick): failures are logged and the next pass retries. */
  private async pass(): Promise<void> {
    try {
      const report = await this.reconcile();
      if (report && (report.upserted > 0 || report.removed > 0)) this.logger.log(report, 'Reconciled job schedulers');
    } catch (error) {
      this.logger.warn({ err: error }, 'Reconciling job schedulers failed; will retry');
    }
    // Independent of the queue: ticks are accounted for in the database even while the queue is unreachable.
    try {
      await this.recordMissedTicks();
    } catch (error) {
      this.logger.warn({ err: error }, 'Recording missed ticks failed; will retry');
    }
  }

  /** Keyset pagination by id: the pass holds one batch of schedules at a time, whatever their number. */
  private firingSource(batchSize: number): FiringSource {
    const db = this.db;
    return {
      async *batches() {
        let after = '00000000-0000-0000-0000-000000000000';
        for (;;) {
          const rows: FiringSpec[] = await db.query(
            `SELECT ${SPEC_COLUMNS} FROM schedules WHERE ${FIRES_SQL} AND id > $1 ORDER BY id LIMIT $2`,
            [after, batchSize],
          );
          if (rows.length === 0) return;
          yield rows;
          after = rows[rows.length - 1].id;
        }
      },
      specsOf: (ids) => (ids.length === 0 ? Promise.resolve([]) : db.query(`SELECT ${SPEC_COLUMNS} FROM schedules WHERE id = ANY($1::uuid[])`, [ids])),
    };
  }
}
