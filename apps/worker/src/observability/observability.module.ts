import { DynamicModule, Module } from '@nestjs/common';
import { createProcessLogger } from '@jim/common';
import type { AppConfig } from '@jim/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { StepTelemetry } from './step-telemetry';
import { WORKER_LOGGER } from './tokens';
import { WorkerMetrics } from './worker-metrics';

export interface WorkerObservabilityOptions {
  /** Where log lines go; stdout when absent. */
  logDestination?: DestinationStream;
}

/**
 * JSON logs through nestjs-pino (main.ts makes it Nest's logger, so `new Logger(context)` calls come out as JSON
 * with their object fields), the metrics registry, and per-step telemetry.
 */
@Module({})
export class WorkerObservabilityModule {
  static forRoot(config: AppConfig, options: WorkerObservabilityOptions = {}): DynamicModule {
    const logger = createProcessLogger({ name: 'jim-worker', level: config.logLevel }, options.logDestination);
    return {
      module: WorkerObservabilityModule,
      global: true,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger } })],
      providers: [{ provide: WORKER_LOGGER, useValue: logger }, WorkerMetrics, StepTelemetry],
      exports: [WORKER_LOGGER, WorkerMetrics, StepTelemetry],
    };
  }
}
