import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { createProcessLogger } from '@jim/common';
import type { AppConfig } from '@jim/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ApiMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { API_LOGGER, RequestLogging } from './request-logging';

export interface ApiObservabilityOptions {
  /** Where log lines go; stdout when absent. */
  logDestination?: DestinationStream;
}

/**
 * Structured logs (pino through nestjs-pino, so `new Logger(context)` calls come out as JSON) and Prometheus metrics.
 * The request logger and the metrics middleware are installed by `installRequestObservability`, ahead of the body
 * parser, so that requests the parser rejects are logged, counted and given a request id too.
 */
@Module({})
export class ApiObservabilityModule {
  static forRoot(config: AppConfig, options: ApiObservabilityOptions = {}): DynamicModule {
    const logger = createProcessLogger({ name: 'jim-api', level: config.logLevel }, options.logDestination);
    return {
      module: ApiObservabilityModule,
      global: true,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true })],
      controllers: [MetricsController],
      providers: [{ provide: API_LOGGER, useValue: logger }, ApiMetrics, RequestLogging],
      exports: [API_LOGGER, ApiMetrics],
    };
  }
}

/** First thing configureApp does: request id + access log, then request metrics, for every request. */
export function installRequestObservability(app: INestApplication): void {
  app.use(app.get(RequestLogging).middleware);
  app.use(app.get(ApiMetrics).middleware);
}
