import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthModule } from './auth/auth.module';
import { ErrorFilter } from './common/error.filter';
import { createValidationPipe } from './common/validation.pipe';
import { ConnectedSystemsModule } from './connected-systems/connected-systems.module';
import { DatabaseModule } from './database.module';
import { ExecutionsModule } from './executions/executions.module';
import { FiringModule } from './firing/firing.module';
import { SchedulesModule } from './schedules/schedules.module';

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
      imports: [DatabaseModule.forRoot(config, databaseUrl), FiringModule, AuthModule, ApiKeysModule, ConnectedSystemsModule, SchedulesModule, ExecutionsModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: 'JIM_DATABASE_URL', useValue: databaseUrl },
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [APP_CONFIG, 'JIM_DATABASE_URL'],
    };
  }
}
