import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Requests that matched no route share one label value, so scanners cannot grow the series count. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Catch-all routes that middleware (the request-scoped logger) is registered on; matching only them is no match. */
const CATCH_ALL_ROUTE = /^\/?(\{\*\w*\}|\*\w*|\(\.\*\))$/;

/** The route pattern a request matched (`/api/v1/schedules/:id`), never its raw URL. */
export function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  if (typeof path !== 'string' || CATCH_ALL_ROUTE.test(path)) return UNMATCHED_ROUTE;
  return `${req.baseUrl ?? ''}${path}`;
}

/** The API process's metrics: Node defaults plus request durations. */
@Injectable()
export class ApiMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Schedule writes stored while their job scheduler could not be updated (the workers' reconciler repairs them). */
  readonly jobSchedulerSyncFailures = new Counter({
    name: 'jim_job_scheduler_sync_failures_total',
    help: 'Schedule writes whose job-scheduler sync failed; the write is stored and the reconciler repairs the job scheduler',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times every request from its arrival to the end of its response. */
  readonly middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.requestDuration.observe({ method: req.method, route: routeOf(req), status: String(res.statusCode) }, seconds);
    });
    next();
  };

  render(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
