import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@jim/config';
import { ApiKeyRepository, BackfillRepository, ConnectedSystemRepository, ExecutionRepository, dataSourceOptions, migrate, ScheduleRepository, SecretCipher, WebhookRepository } from '@jim/persistence';
import { maskConnectionString } from '@jim/steps';
import type { DataSource } from 'typeorm';
import { ensureInfrastructureKey } from './api-keys/api-keys.service';

/** Brings the schema up to date (under an advisory lock) and the infrastructure key into being, before the API listens. */
@Injectable()
class DatabaseBootstrap implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const applied = await migrate(this.db);
    if (applied.length > 0) this.logger.log(`Applied migrations: ${applied.join(', ')}`);
    if (this.config.infrastructureApiKey) await ensureInfrastructureKey(this.db, this.config.infrastructureApiKey);
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions({ url: databaseUrl, applicationName: 'jim-api', preparedStatements: config.preparedStatements }), retryAttempts: 0 })],
      providers: [
        DatabaseBootstrap,
        { provide: SecretCipher, useFactory: () => new SecretCipher(config.encryptionKey) },
        {
          provide: ScheduleRepository,
          inject: [getDataSourceToken(), SecretCipher],
          useFactory: (db: DataSource, cipher: SecretCipher) => new ScheduleRepository(db, cipher, maskConnectionString),
        },
        {
          provide: ExecutionRepository,
          inject: [getDataSourceToken(), SecretCipher],
          useFactory: (db: DataSource, cipher: SecretCipher) => new ExecutionRepository(db, cipher),
        },
        { provide: ApiKeyRepository, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new ApiKeyRepository(db) },
        { provide: ConnectedSystemRepository, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new ConnectedSystemRepository(db) },
        {
          provide: WebhookRepository,
          inject: [getDataSourceToken(), SecretCipher],
          useFactory: (db: DataSource, cipher: SecretCipher) => new WebhookRepository(db, cipher),
        },
        { provide: BackfillRepository, inject: [getDataSourceToken()], useFactory: (db: DataSource) => new BackfillRepository(db) },
      ],
      exports: [SecretCipher, ScheduleRepository, ConnectedSystemRepository, ApiKeyRepository, ExecutionRepository, WebhookRepository, BackfillRepository],
    };
  }
}
