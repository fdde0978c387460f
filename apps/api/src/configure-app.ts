import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { inputGuard } from './common/input-guard.middleware';
import { installSecurityHeaders } from './common/security-headers';
import { mountConsole } from './console/console';
import { answerClientErrors, answerUnsupportedMethods, BODY_LIMIT_BYTES } from './http-server';
import { installRequestObservability } from './observability/observability.module';
import { redirectRootToReference, setupOpenApi } from './openapi/openapi';
import { QueueDashboard } from './queue-dashboard/queue-dashboard';

/** Everything main.ts and the tests both need, so a test app behaves like production. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  // First, ahead of the body parser: request id, access log and request metrics for every request.
  installRequestObservability(app);
  installSecurityHeaders(app);
  express.useBodyParser('json', { limit: BODY_LIMIT_BYTES, strict: true });
  express.use(inputGuard);
  express.set('trust proxy', 'loopback');
  express.disable('x-powered-by');
  // After the global middleware, so a 405 carries the headers of every other response.
  configureHttpProtocol(app);
  // Public: the OpenAPI document at /api/openapi/v1.json and the interactive reference at /api/reference.
  setupOpenApi(app);
  redirectRootToReference(app);
  // Public static files: the operator console at /console, which calls the API with the key the operator enters.
  mountConsole(app);
  // Administrators only: the queue dashboard at /admin/queues.
  app.get(QueueDashboard).mount(app);
  app.enableShutdownHooks();
}

/** Refusals of the HTTP layer itself: oversized headers (before Express), and methods a path does not take. */
function configureHttpProtocol(app: INestApplication): void {
  answerClientErrors(app);
  answerUnsupportedMethods(app);
}
