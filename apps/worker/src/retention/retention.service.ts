import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { RETENTION_TARGETS, RetentionRepository, type PurgePosition, type RetentionTarget } from '@jim/persistence';
import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { withAdvisoryLock } from '../engine/advisory-lock';
import { WorkerMetrics } from '../observability/worker-metrics';

const RETENTION_LOCK_KEY = 7_345_004;
/** The first pass comes this long after start-up (sooner with a shorter interval), out of the way of start-up work. */
const FIRST_PASS_DELAY_MS = 60_000;
const DAY_MS = 86_400_000;

export interface RetentionReport {
  /** Rows purged per target in this pass. */
  purged: Record<string, number>;
  /** Transactions per target (each deleted at most the batch size). */
  batches: Record<string, number>;
  /** Targets set to 0 days. */
  keptForEver: string[];
  /** Targets whose batch failed (a lock wait over 500 ms, the database unavailable); the next pass resumes them. */
  failed: string[];
  durationMs: number;
}

/**
 * Purges history older than the retention settings (RETENTION_TARGETS), one worker at a time, among those with the
 * `steps` role (like the sweeper: a `firing` worker keeps its event loop and connections for ticks). Each pass takes
 * every target in turn, oldest rows first, in short transactions of at most JIM_RETENTION_BATCH_SIZE rows, pausing
 * JIM_RETENTION_BATCH_PAUSE_MS between them so that a large backlog never has the database to itself.
 */
@Injectable()
export class Retention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: RetentionRepository,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.roles.includes('steps')) return;
    // Every target shows on /metrics from the start, at 0.
    for (const target of RETENTION_TARGETS) this.metrics.purgedRows.inc({ target: target.name }, 0);
    const intervalMs = this.config.retention.intervalSeconds * 1000;
    this.timers = [setTimeout(() => void this.pass(), Math.min(intervalMs, FIRST_PASS_DELAY_MS)), setInterval(() => void this.pass(), intervalMs)];
    for (const timer of this.timers) timer.unref();
  }

  onModuleDestroy(): void {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** One pass over every target; null when another worker holds the turn. */
  async purge(now = new Date()): Promise<RetentionReport | null> {
    return withAdvisoryLock(this.db, RETENTION_LOCK_KEY, async () => {
      const started = Date.now();
      const report: RetentionReport = { purged: {}, batches: {}, keptForEver: [], failed: [], durationMs: 0 };
      for (const target of RETENTION_TARGETS) {
        const days = this.config.retention[target.setting];
        if (days === 0) report.keptForEver.push(target.name);
        else await this.purgeTarget(target, new Date(now.getTime() - days * DAY_MS), report);
        if (this.stopping) break;
      }
      report.durationMs = Date.now() - started;
      return report;
    });
  }

  private async purgeTarget(target: RetentionTarget, cutoff: Date, report: RetentionReport): Promise<void> {
    report.purged[target.name] = 0;
    report.batches[target.name] = 0;
    let after: PurgePosition | null = null;
    try {
      do {
        const batch = await this.store.purgeBatch(target, cutoff, this.config.retention.batchSize, after);
        report.batches[target.name]++;
        report.purged[target.name] += batch.purged;
        this.metrics.purgedRows.inc({ target: target.name }, batch.purged);
        after = batch.next;
        if (after && this.config.retention.batchPauseMs > 0) await delay(this.config.retention.batchPauseMs);
      } while (after && !this.stopping);
    } catch (error) {
      report.failed.push(target.name);
      this.logger.warn({ err: error, target: target.name }, 'Retention batch failed; the next pass resumes it');
    }
  }

  /** One periodic pass: failures are logged and the next pass retries. */
  private async pass(): Promise<void> {
    if (this.running || this.stopping) return;
    this.running = true;
    try {
      const report = await this.purge();
      if (report) this.logger.log(report, 'Retention pass');
    } catch (error) {
      this.logger.warn({ err: error }, 'Retention pass failed; will retry');
    } finally {
      this.running = false;
    }
  }
}
