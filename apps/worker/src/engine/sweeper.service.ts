import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import type { DataSource } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock';
import { ExecutionStore } from './execution-store';
import { StepDispatcher } from './step-dispatcher';

const SWEEP_LOCK_KEY = 7_345_003;
/** A queued step older than this may have missed its job (a crash between commit and enqueue). */
const REDISPATCH_AFTER_SECONDS = 30;

/** Repairs what crashes leave behind, so no execution stays InProgress forever. One worker at a time. */
@Injectable()
export class Sweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sweeper');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ExecutionStore,
    private readonly dispatcher: StepDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pass(), this.config.worker.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<{ lost: number; redispatched: number } | null> {
    return withAdvisoryLock(this.db, SWEEP_LOCK_KEY, async () => {
      const advanced = await this.store.failLostSteps(this.config.worker.workerLostAfterSeconds);
      const stranded = await this.store.queuedStepsOlderThan(REDISPATCH_AFTER_SECONDS);
      for (const dispatch of [...advanced, ...stranded]) await this.dispatcher.enqueue(dispatch);
      return { lost: advanced.length, redispatched: stranded.length };
    });
  }

  /** One periodic pass (not a schedule's tick): failures are logged and the next pass retries. */
  private async pass(): Promise<void> {
    try {
      const report = await this.sweep();
      if (report && report.lost > 0) this.logger.warn(report, 'Failed steps of lost workers');
    } catch (error) {
      this.logger.warn({ err: error }, 'Sweep failed; will retry');
    }
  }
}
