import type { FiringSpec } from '@jim/queue';

/**
 * Keeps the queue's job schedulers in step with schedule writes. PostgreSQL stays the source of truth:
 * when the queue is unreachable the write still succeeds and the workers' reconciler repairs the difference.
 */
export abstract class ScheduleFiring {
  abstract apply(state: FiringSpec): Promise<void>;
  abstract remove(scheduleId: string): Promise<void>;
}
