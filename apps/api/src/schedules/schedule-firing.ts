/** What the firing side needs to know about one schedule to keep its job scheduler in step with the database. */
export interface FiringState {
  id: string;
  isEnabled: boolean;
  triggerType: 'Cron' | 'Manual';
  cronExpression: string | null;
  timeZone: string;
}

/**
 * Keeps the queue's job schedulers in step with schedule writes. PostgreSQL stays the source of truth:
 * when the queue is unreachable the write still succeeds and the workers' reconciler repairs the difference.
 */
export abstract class ScheduleFiring {
  abstract apply(state: FiringState): Promise<void>;
  abstract remove(scheduleId: string): Promise<void>;
}
