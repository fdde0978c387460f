import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, withdrawProcessSecrets } from '@jim/config';
import { Logger as JsonLogger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  withdrawProcessSecrets();
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required for the worker process (npm start runs the embedded database)']);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, databaseUrl: config.databaseUrl }), { bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  app.enableShutdownHooks();
  new Logger('Worker').log(`Worker started (queue backend: ${config.queueBackend}, concurrency: ${config.worker.concurrency})`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
