import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, DATABASE_URL, type AppConfig } from '@jim/config';
import { QueueModule } from '@jim/queue';
import { WorkerDatabaseModule } from './database.module';
import { StepDispatcher } from './engine/step-dispatcher';
import { stepExecutorProviders } from './engine/step-executors.provider';
import { StepRunner } from './engine/step-runner.service';
import { Sweeper } from './engine/sweeper.service';
import { MissedTicks } from './firing/missed-ticks';
import { Reconciler } from './firing/reconciler.service';
import { TickService } from './firing/tick.service';
import { workerHealthProviders } from './health';
import { WorkerObservabilityModule } from './observability/observability.module';
import { QueueWorkers } from './queue-workers.service';
import { NotificationRelay } from './notifications/notification-relay.service';
import { WebhookDeliverer } from './notifications/webhook-deliverer.service';
import { Retention } from './retention/retention.service';

export interface WorkerModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class WorkerModule {
  static forRoot({ config, databaseUrl }: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [WorkerObservabilityModule.forRoot(config), WorkerDatabaseModule.forRoot(config, databaseUrl), QueueModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_URL, useValue: databaseUrl },
        ...stepExecutorProviders,
        StepDispatcher,
        StepRunner,
        TickService,
        Reconciler,
        MissedTicks,
        Sweeper,
        QueueWorkers,
        ...workerHealthProviders,
        WebhookDeliverer,
        NotificationRelay,
        Retention,
      ],
      exports: [APP_CONFIG, DATABASE_URL],
    };
  }
}
