import type { FiringSpec } from '@jim/queue';
import type { Response } from 'express';

/**
 * Keeps the queue's job schedulers in step with schedule writes. PostgreSQL stays the source of truth:
 * when the queue is unreachable the write still succeeds and the workers' reconciler repairs the difference.
 */
export abstract class ScheduleFiring {
  abstract apply(state: FiringSpec): Promise<void>;
  abstract remove(scheduleId: string): Promise<void>;
}

/**
 * Told when a write is stored but its job scheduler could not be updated now (`code`: the queue's error code, if
 * any). Every schedule write takes one from its caller: the HTTP routes pass `firingWarningOn(response)`.
 */
export type FiringDeferred = (code: string | undefined) => void;

/**
 * A `Warning` header (RFC 9111 style, code 199) on `response` saying that the job scheduler was not updated now and
 * that the workers' reconciler will repair it.
 */
export function firingWarningOn(response: Response): FiringDeferred {
  return (code) => {
    if (response.headersSent) return;
    const reason = code ? ` (${code})` : '';
    response.setHeader(
      'Warning',
      `199 jim-schedules "Saved, but the job scheduler could not be updated now${reason}; the workers will reconcile it from the database"`,
    );
  };
}
