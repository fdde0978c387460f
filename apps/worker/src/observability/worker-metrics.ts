import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Steps last from milliseconds (SQL) to hours (imports). */
const STEP_DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
/** Nominal fire time → execution started: normally well under a second. */
const FIRE_LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Which tick outcomes recorded a skipped run, and the `reason` label they get. */
const SKIPPED_TICK_REASONS: Record<string, string> = { skipped: 'overlap', 'no-steps': 'no-steps', missed: 'missed' };

/** Refreshes gauges that are read from elsewhere (database, queues) just before a scrape. */
export type MetricsCollector = () => Promise<void>;

/**
 * The worker process's metrics (one registry per process, Node defaults included). Counters and histograms are
 * this process's own; the gauges read from the database and the queues describe the whole system, so every worker
 * reports the same values (aggregate them with max, not sum).
 */
@Injectable()
export class WorkerMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly collectors: MetricsCollector[] = [];

  readonly stepDuration = new Histogram({
    name: 'jim_step_duration_seconds',
    help: 'Run time of the steps this worker ran, by step type and outcome',
    labelNames: ['step_type', 'outcome'] as const,
    buckets: STEP_DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly fireLag = new Histogram({
    name: 'jim_fire_lag_seconds',
    help: 'Delay from a cron tick\'s nominal fire time to its execution being started',
    buckets: FIRE_LAG_BUCKETS,
    registers: [this.registry],
  });

  readonly ticks = new Counter({
    name: 'jim_ticks_total',
    help: 'Cron ticks this worker handled, by outcome (started, skipped, no-steps, duplicate, stale, not-found)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly skippedTicks = new Counter({
    name: 'jim_skipped_ticks_total',
    help: 'Cron ticks recorded as skipped runs: the previous execution was still active (overlap), the schedule had no steps, or no worker started the tick in time (missed)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly executions = new Gauge({
    name: 'jim_executions',
    help: 'Executions in the database by status (all schedules; refreshed at most every 5 s)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'jim_queue_depth',
    help: 'Jobs in the tick, step and run-profile queues by state, read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly runningSteps = new Gauge({
    name: 'jim_running_steps',
    help: 'Steps this worker is running now',
    registers: [this.registry],
  });

  readonly roles = new Gauge({
    name: 'jim_worker_role',
    help: 'The roles of this worker (JIM_WORKER_ROLES): 1 for each role it has, 0 for the others',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'jim_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts this worker made, by event and outcome (delivered, retry, failed, gone)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveryDuration = new Histogram({
    name: 'jim_webhook_delivery_duration_seconds',
    help: 'Time of one webhook delivery attempt, from resolving the receiver to its answer',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhookRelayed = new Counter({
    name: 'jim_webhook_deliveries_relayed_total',
    help: 'Webhook deliveries this worker moved from the outbox to the notifications queue',
    registers: [this.registry],
  });

  readonly purgedRows = new Counter({
    name: 'jim_retention_purged_rows_total',
    help: 'History rows this worker purged under the retention settings, by target (executions also take their steps)',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  setRoles(all: readonly string[], held: readonly string[]): void {
    for (const role of all) this.roles.set({ role }, held.includes(role) ? 1 : 0);
  }

  /** One call per tick, with what `TickService.fire()` decided. */
  recordTick(outcome: { kind: string }, nominal: Date): void {
    this.ticks.inc({ outcome: outcome.kind });
    const skipped = SKIPPED_TICK_REASONS[outcome.kind];
    if (skipped) this.skippedTicks.inc({ reason: skipped });
    if (outcome.kind === 'started') this.fireLag.observe(Math.max(0, Date.now() - nominal.getTime()) / 1000);
  }

  /** Ticks the misfire pass recorded as skipped (no worker started them in time). */
  recordMissedTicks(count: number): void {
    this.skippedTicks.inc({ reason: 'missed' }, count);
  }

  recordStep(stepType: string, outcome: string, seconds: number): void {
    this.stepDuration.observe({ step_type: stepType, outcome }, seconds);
  }

  addCollector(collector: MetricsCollector): void {
    this.collectors.push(collector);
  }

  /** The Prometheus text exposition, after refreshing the read-at-scrape gauges (a failing source is left out). */
  async render(): Promise<string> {
    await Promise.allSettled(this.collectors.map((collect) => collect()));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
