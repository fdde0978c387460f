import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@jim/config';
import { dataSourceOptions, migrate, SecretCipher } from '@jim/persistence';
import type { DataSource } from 'typeorm';

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
          ...dataSourceOptions({ url: databaseUrl, applicationName: 'jim-worker', poolSize: Math.min(10, config.worker.concurrency + 2) }),
          retryAttempts: 0,
        }),
      ],
      providers: [Migrations, { provide: SecretCipher, useFactory: () => new SecretCipher(config.encryptionKey) }],
      exports: [SecretCipher],
    };
  }
}
