import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { inputGuard } from './common/input-guard.middleware';
import { installRequestObservability } from './observability/observability.module';
import { redirectRootToReference, setupOpenApi } from './openapi/openapi';
import { QueueDashboard } from './queue-dashboard/queue-dashboard';

export const BODY_LIMIT = '256kb';

/** Everything main.ts and the tests both need, so a test app behaves like production. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  // First, ahead of the body parser: request id, access log and request metrics for every request.
  installRequestObservability(app);
  express.useBodyParser('json', { limit: BODY_LIMIT, strict: true });
  express.use(inputGuard);
  express.set('trust proxy', 'loopback');
  express.disable('x-powered-by');
  // Public: the OpenAPI document at /api/openapi/v1.json and the interactive reference at /api/reference.
  setupOpenApi(app);
  redirectRootToReference(app);
  // Administrators only: the queue dashboard at /admin/queues.
  app.get(QueueDashboard).mount(app);
  app.enableShutdownHooks();
}
