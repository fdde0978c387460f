/** Queues of this product. Names are part of the operations contract (dashboards show them). */
export const TICK_QUEUE = 'schedule-ticks';
export const STEP_QUEUE = 'schedule-steps';

export const TICK_JOB = 'tick';
export const STEP_JOB = 'run-step';

export interface TickJobData {
  scheduleId: string;
}

export interface StepJobData {
  executionId: string;
  executionStepId: string;
}

export function schedulerIdFor(scheduleId: string): string {
  return `schedule:${scheduleId}`;
}

export function scheduleIdOfScheduler(schedulerId: string): string | null {
  return schedulerId.startsWith('schedule:') ? schedulerId.slice('schedule:'.length) : null;
}

/** Deterministic, so dispatching the same step twice enqueues it once. */
export function stepJobId(executionStepId: string): string {
  return `step-${executionStepId}`;
}

/**
 * The nominal fire time of a tick. BullMQ names scheduler iterations `repeat:<schedulerId>:<millis>`,
 * which is exactly the instant the trigger produced, independent of any lag in processing.
 */
export function nominalFireTime(job: { id?: string | null; timestamp: number; delay?: number; opts?: { delay?: number } }): Date {
  const match = /:(\d{10,})$/.exec(job.id ?? '');
  if (match) return new Date(Number(match[1]));
  return new Date(job.timestamp + (job.opts?.delay ?? job.delay ?? 0));
}
