import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@jim/config';
import { dataSourceOptions, ConnectedSystemHolds, ExecutionRepository, migrate, RetentionRepository, SecretCipher, WebhookRepository } from '@jim/persistence';
import type { DataSource } from 'typeorm';

/** The data source of the tick path (TickService). */
export const TICKS_DATA_SOURCE = 'ticks';

@Injectable()
class Migrations implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    await migrate(this.db);
  }
}

@Module({})
export class WorkerDatabaseModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: WorkerDatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ url: databaseUrl, applicationName: 'jim-worker', poolSize: Math.min(10, config.worker.concurrency + 2), preparedStatements: config.preparedStatements }),
          retryAttempts: 0,
        }),
        // Ticks get connections of their own: starting executions on time never waits behind running steps' writes.
        TypeOrmModule.forRoot({
          name: TICKS_DATA_SOURCE,
          ...dataSourceOptions({ url: databaseUrl, applicationName: 'jim-worker-ticks', poolSize: 4, preparedStatements: config.preparedStatements }),
          retryAttempts: 0,
        }),
      ],
      providers: [
        Migrations,
        { provide: SecretCipher, useFactory: () => new SecretCipher(config.encryptionKey) },
        {
          provide: ExecutionRepository,
          inject: [getDataSourceToken(), SecretCipher],
          useFactory: (db: DataSource, cipher: SecretCipher) => new ExecutionRepository(db, cipher),
        },
        { provide: ConnectedSystemHolds, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new ConnectedSystemHolds(db) },
        {
          provide: WebhookRepository,
          inject: [getDataSourceToken(), SecretCipher],
          useFactory: (db: DataSource, cipher: SecretCipher) => new WebhookRepository(db, cipher),
        },
        { provide: RetentionRepository, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new RetentionRepository(db) },
      ],
      exports: [SecretCipher, ExecutionRepository, ConnectedSystemHolds, WebhookRepository, RetentionRepository],
    };
  }
}
