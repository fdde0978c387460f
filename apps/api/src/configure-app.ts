import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

export const BODY_LIMIT = '256kb';

/** Everything main.ts and the tests both need, so a test app behaves like production. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
  express.set('trust proxy', 'loopback');
  express.disable('x-powered-by');
  app.enableShutdownHooks();
}
