import { Inject, Injectable } from '@nestjs/common';
import { redactSecrets } from '@jim/steps';
import type { Logger } from 'pino';
import { WORKER_LOGGER } from './tokens';
import { WorkerMetrics } from './worker-metrics';
import type { ClaimedStep } from '@jim/persistence';

/** Outcomes that are logged as warnings. */
const FAILED_OUTCOMES = new Set(['Failed', 'CompletedWithError', 'Cancelled']);

/** One step run as seen by logs and metrics: started by `StepTelemetry.begin`, closed by `end`. */
export class ObservedStep {
  private readonly started = process.hrtime.bigint();
  private ended = false;

  constructor(
    readonly log: Logger,
    private readonly metrics: WorkerMetrics,
    private readonly stepType: string,
    private readonly secrets: string[],
  ) {}

  /** Records the duration under the outcome and logs `Step finished`; later calls do nothing. */
  end(outcome: string, errorMessage?: string | null): void {
    if (this.ended) return;
    this.ended = true;
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    this.metrics.recordStep(this.stepType, outcome, seconds);
    const fields: Record<string, unknown> = { context: 'StepRunner', outcome, durationMs: Math.round(seconds * 1000) };
    if (errorMessage) fields.errorMessage = this.secrets.length ? redactSecrets(errorMessage, this.secrets) : errorMessage;
    this.log[FAILED_OUTCOMES.has(outcome) ? 'warn' : 'info'](fields, 'Step finished');
  }
}

/**
 * Per-step logging and metrics. `begin` creates a child logger carrying the execution id, schedule id and step
 * (id, index, name, type), so every line about the step has them. It is passed explicitly (`ObservedStep.log`) rather
 * than made the current logger of the async context: BullMQ continues other jobs from contexts a step started, and
 * those lines would wrongly carry the step's fields.
 */
@Injectable()
export class StepTelemetry {
  constructor(
    @Inject(WORKER_LOGGER) private readonly root: Logger,
    private readonly metrics: WorkerMetrics,
  ) {}

  begin(executionStepId: string, step: ClaimedStep): ObservedStep {
    const { spec } = step;
    const log = this.root.child({
      executionId: step.executionId,
      scheduleId: step.scheduleId,
      executionStepId,
      step: { id: spec.stepId, index: spec.stepIndex, name: spec.name, type: spec.stepType },
    });
    log.info({ context: 'StepRunner', timeoutSeconds: step.timeoutSeconds }, 'Step started');
    return new ObservedStep(log, this.metrics, spec.stepType, step.secrets);
  }
}
