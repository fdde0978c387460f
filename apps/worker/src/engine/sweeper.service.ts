import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import type { DataSource } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock';
import { StepDispatcher } from './step-dispatcher';
import { ConnectedSystemHolds, ExecutionRepository } from '@jim/persistence';

const SWEEP_LOCK_KEY = 7_345_003;
/** A queued step older than this may have missed its job (a crash between commit and enqueue). */
const REDISPATCH_AFTER_SECONDS = 30;

/**
 * Repairs what crashes leave behind, so no execution stays InProgress forever. One worker at a time, among those
 * with the `steps` role: what it repairs is step work (lost steps, queued steps without a job), and a worker that
 * runs steps is the one that can tell; a `firing` worker keeps its event loop for ticks.
 */
@Injectable()
export class Sweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sweeper');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ExecutionRepository,
    private readonly dispatcher: StepDispatcher,
    private readonly holds: ConnectedSystemHolds,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.roles.includes('steps')) return;
    this.timer = setInterval(() => void this.pass(), this.config.worker.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<{ lost: number; resumed: number; redispatched: number; handedOver: number; promoted: number } | null> {
    return withAdvisoryLock(this.db, SWEEP_LOCK_KEY, async () => {
      const advanced = await this.store.failLost(this.config.worker.workerLostAfterSeconds);
      const stranded = await this.store.queuedStepsOlderThan(REDISPATCH_AFTER_SECONDS);
      // Executions waiting behind one that ended while its worker crashed (overlap policies BufferOne, BufferAll).
      const promoted = await this.store.promoteStranded();
      for (const dispatch of [...advanced, ...stranded, ...promoted]) await this.dispatcher.enqueue(dispatch);
      // After the lost steps are settled: the connected systems they held go to the next in line.
      const handedOver = await this.holds.sweep();
      await this.dispatcher.enqueueMany(handedOver);
      // Steps whose run goes on in JIM are handed back to be resumed, not failed.
      const resumed = advanced.filter((d) => d.resume).length;
      return { lost: advanced.length - resumed, resumed, redispatched: stranded.length, handedOver: handedOver.length, promoted: promoted.length };
    });
  }

  /** One periodic pass (not a schedule's tick): failures are logged and the next pass retries. */
  private async pass(): Promise<void> {
    try {
      const report = await this.sweep();
      if (report && report.lost > 0) this.logger.warn(report, 'Failed steps of lost workers');
      if (report && report.resumed > 0) this.logger.warn(report, 'Handed back RunProfile steps of lost workers, to follow their JIM runs');
    } catch (error) {
      this.logger.warn({ err: error }, 'Sweep failed; will retry');
    }
  }
}
