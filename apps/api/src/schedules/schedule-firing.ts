import type { FiringSpec } from '@jim/queue';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';

/**
 * Keeps the queue's job schedulers in step with schedule writes. PostgreSQL stays the source of truth:
 * when the queue is unreachable the write still succeeds and the workers' reconciler repairs the difference.
 */
export abstract class ScheduleFiring {
  abstract apply(state: FiringSpec): Promise<void>;
  abstract remove(scheduleId: string): Promise<void>;
}

const currentResponse = new AsyncLocalStorage<Response>();

/**
 * Lets a schedule write tell its client that the job scheduler was not updated (see `warnFiringDeferred`): the
 * handler runs with its response at hand, whatever service it calls.
 */
@Injectable()
export class FiringWarningInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return new Observable((subscriber) => currentResponse.run(response, () => next.handle().subscribe(subscriber)));
  }
}

/**
 * The write is stored but its job scheduler could not be updated now (`code`: the queue's error code, if any):
 * a `Warning` header (RFC 9111 style, code 199) says so, and that the workers' reconciler will repair it.
 */
export function warnFiringDeferred(code: string | undefined): void {
  const response = currentResponse.getStore();
  if (!response || response.headersSent) return;
  const reason = code ? ` (${code})` : '';
  response.setHeader(
    'Warning',
    `199 jim-schedules "Saved, but the job scheduler could not be updated now${reason}; the workers will reconcile it from the database"`,
  );
}
