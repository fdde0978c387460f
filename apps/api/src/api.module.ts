import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { APP_CONFIG, DATABASE_URL, type AppConfig } from '@jim/config';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { BenchBaselineModule } from './bench-baseline/bench-baseline.module';
import { ChangeHistoryModule } from './change-history/change-history.module';
import { ErrorFilter } from './common/error.filter';
import { createValidationPipe } from './common/validation.pipe';
import { ConnectedSystemsModule } from './connected-systems/connected-systems.module';
import { DatabaseModule } from './database.module';
import { ExecutionsModule } from './executions/executions.module';
import { BackfillsModule } from './backfills/backfills.module';
import { FiringModule } from './firing/firing.module';
import { HealthModule } from './health/health.module';
import { ApiObservabilityModule } from './observability/observability.module';
import { OpenApiModule } from './openapi/openapi.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SchedulesModule } from './schedules/schedules.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface ApiModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class ApiModule {
  static forRoot({ config, databaseUrl }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      global: true,
      imports: [ApiObservabilityModule.forRoot(config), DatabaseModule.forRoot(config, databaseUrl), HealthModule, FiringModule, AuthModule, ApiKeysModule, ConnectedSystemsModule, SchedulesModule, ExecutionsModule, ChangeHistoryModule, BackfillsModule, RateLimitModule, OpenApiModule, QueueDashboardModule, WebhooksModule, ...(config.benchBaseline ? [BenchBaselineModule.forRoot(config)] : [])],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_URL, useValue: databaseUrl },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        // Root-module providers register first, so this runs before AuthModule's ApiKeyGuard (it must, to count 401s).
        { provide: APP_GUARD, useExisting: RateLimitGuard },
      ],
      exports: [APP_CONFIG, DATABASE_URL],
    };
  }
}
