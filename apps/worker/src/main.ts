import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LAUNCHER_READY_LINE } from '@jim/common';
import { ConfigError, loadConfig, withdrawProcessSecrets } from '@jim/config';
import { Logger as JsonLogger } from 'nestjs-pino';
import { symbols, type Logger as PinoRootLogger } from 'pino';
import { WORKER_LOGGER } from './observability/tokens';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  withdrawProcessSecrets();
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required for the worker process (npm start runs the embedded database)']);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, databaseUrl: config.databaseUrl }), { bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  app.enableShutdownHooks();
  new Logger('Worker').log(`Worker started (roles: ${config.worker.roles.join(',')}, queue backend: ${config.queueBackend}, concurrency: ${config.worker.concurrency})`);
  // Under `npm start` (which opens an IPC channel): the launcher's cue for its banner, written into the logger's own
  // stream behind the lines above, so it cannot overtake them (that stream may write asynchronously).
  if (process.send) {
    const stream = (app.get<PinoRootLogger>(WORKER_LOGGER) as unknown as Record<symbol, { write(line: string): void }>)[symbols.streamSym];
    stream.write(`${LAUNCHER_READY_LINE}\n`);
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
