import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@jim/config';
import { Logger as JsonLogger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { ApiModule } from './api.module';
import { configureApp } from './configure-app';
import { ApiHttpAdapter } from './http-server';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required for the API process (npm start runs the embedded database)']);
  const app = await NestFactory.create(ApiModule.forRoot({ config, databaseUrl: config.databaseUrl }), new ApiHttpAdapter(), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(JsonLogger));
  configureApp(app);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Api').log({ host: config.host, port }, `Listening on http://${config.host}:${port}`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
