import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { CLOSE_TIMEOUT_MS, closeWithin, nominalFireTime, QueueKit, stepQueueName, TICK_LEAD_MS, TICK_QUEUE, type StepJobData, type TickJobData } from '@jim/queue';
import { DelayedError, type Job, type Worker } from 'bullmq';
import { StepRunner } from './engine/step-runner.service';
import { TickService } from './firing/tick.service';

/** Enough to hold every tick of a large burst while it waits for its instant, so that they start as one batch. */
const TICK_CONCURRENCY = 1000;
/** A tick never waits longer than this for its instant, whatever the clocks say. */
const MAX_TICK_WAIT_MS = TICK_LEAD_MS + 5000;

/** Resolves at `instant` by this process's clock (at once when it has passed). */
function untilInstant(instant: Date): Promise<void> {
  const wait = Math.min(instant.getTime() - Date.now(), MAX_TICK_WAIT_MS);
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

/** The BullMQ consumers of this process, by its roles (JIM_WORKER_ROLES): ticks (`firing`) and steps (`steps`). */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueWorkers');
  private workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kit: QueueKit,
    private readonly ticks: TickService,
    private readonly steps: StepRunner,
  ) {}

  onApplicationBootstrap(): void {
    const roles = this.config.worker.roles;
    if (roles.includes('firing')) this.workers.push(this.tickWorker());
    if (roles.includes('steps')) this.workers.push(...this.stepWorkers());
    for (const worker of this.workers) {
      worker.on('error', (error) => this.logger.warn({ err: error, queue: worker.name }, 'Queue connection error'));
      worker.on('failed', (job, error) => this.logger.warn({ err: error, jobId: job?.id, queue: worker.name }, 'Job failed'));
    }
  }

  private tickWorker(): Worker {
    return this.kit.tickWorker<TickJobData, string>(
      TICK_QUEUE,
      async (job: Job<TickJobData>, token?: string) => {
        const nominal = nominalFireTime(job);
        await untilInstant(nominal);
        const outcome = await this.ticks.fire(job.data.scheduleId, nominal);
        if (outcome.kind === 'deferred') {
          // Jitter: the same job comes back at its start (its id, hence its nominal time, unchanged), within a lead.
          await untilInstant(outcome.until);
          if (outcome.until.getTime() > Date.now()) {
            await job.moveToDelayed(outcome.until.getTime() - TICK_LEAD_MS, token);
            throw new DelayedError();
          }
          return (await this.ticks.fire(job.data.scheduleId, nominal)).kind;
        }
        return outcome.kind;
      },
      // Ticks spend most of their time waiting for their instant (see TICK_LEAD_MS): cheap to hold.
      { concurrency: TICK_CONCURRENCY },
    );
  }

  /** One consumer per step queue (JIM_STEP_QUEUE_SHARDS); they share the worker's concurrency. */
  private stepWorkers(): Worker[] {
    const shards = this.config.stepQueueShards;
    const concurrency = Math.max(1, Math.ceil(this.config.worker.concurrency / shards));
    return Array.from({ length: shards }, (_, shard) =>
      this.kit.worker<StepJobData, string>(
        stepQueueName(shard),
        (job: Job<StepJobData>) => this.steps.run(job.data.executionStepId, job, job.data.attempt, job.data.granted),
        { concurrency, maxStalledCount: 1 },
      ),
    );
  }

  get isRunning(): boolean {
    return this.workers.length > 0 && this.workers.every((w) => w.isRunning());
  }

  /**
   * Graceful stop: take no new jobs, let running steps finish within the grace period, then stop them;
   * they are recorded as interrupted and their executions follow the continueOnFailure rule. Whatever the state of
   * Redis, this ends within the grace period plus CLOSE_TIMEOUT_MS.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const graceMs = this.config.worker.shutdownGraceSeconds * 1000;
    // A consumer whose close never settles (a Redis connection that never answers) has its connections dropped.
    const closing = Promise.all(
      this.workers.map((w) =>
        closeWithin(w, graceMs + CLOSE_TIMEOUT_MS, () => this.logger.warn({ queue: w.name }, 'Queue consumer did not close in time; dropping its connections')),
      ),
    );
    const timer = setTimeout(() => {
      if (this.steps.running.size > 0) this.logger.warn({ running: this.steps.running.size }, 'Grace period over; stopping running steps');
      this.steps.running.abortAll({ kind: 'shutdown', message: 'Interrupted: the worker shut down before the step finished' });
    }, graceMs);
    await closing;
    clearTimeout(timer);
  }
}
