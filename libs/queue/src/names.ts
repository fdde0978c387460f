/** Queues of this product. Names are part of the operations contract (dashboards show them). */
export const TICK_QUEUE = 'schedule-ticks';
export const STEP_QUEUE = 'schedule-steps';

/**
 * The step queue of shard `shard` (of JIM_STEP_QUEUE_SHARDS): shard 0 is `schedule-steps` itself, the others
 * `schedule-steps-1`, `schedule-steps-2`, … Each has its own hash tag, so on a Redis Cluster they spread over shards.
 */
export function stepQueueName(shard: number): string {
  return shard === 0 ? STEP_QUEUE : `${STEP_QUEUE}-${shard}`;
}

/** Every step of one execution goes to the same step queue (FNV-1a of its id, modulo the shard count). */
export function stepShardOf(executionId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < executionId.length; i++) {
    hash ^= executionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export const TICK_JOB = 'tick';
export const STEP_JOB = 'run-step';

export interface TickJobData {
  scheduleId: string;
}

export interface StepJobData {
  executionId: string;
  executionStepId: string;
  /** A retry's attempt: only that attempt is claimed by the job. */
  attempt?: number;
  /** A step woken from its connected system's line: it holds the system already, so its job does not enter the line. */
  granted?: boolean;
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
 * Tick jobs of the job schedulers fall due this long before their nominal fire time; the worker that takes one
 * waits until the nominal instant itself. The queue's own delivery delay (a few ms idle, a few hundred under
 * load) is then spent before the fire time instead of after it.
 */
export const TICK_LEAD_MS = 500;

/**
 * The nominal fire time of a tick. BullMQ names scheduler iterations `repeat:<schedulerId>:<millis>`, where
 * millis is what the repeat strategy returned: the trigger's fire time less `leadMs`. Other jobs are due at
 * their own delay.
 */
export function nominalFireTime(job: { id?: string | null; timestamp: number; delay?: number; opts?: { delay?: number } }, leadMs = TICK_LEAD_MS): Date {
  const match = /^repeat:.*:(\d{10,})$/.exec(job.id ?? '');
  if (match) return new Date(Number(match[1]) + leadMs);
  return new Date(job.timestamp + (job.opts?.delay ?? job.delay ?? 0));
}

/** Webhook deliveries, relayed from the database outbox (`webhook_deliveries`); never fed by the engine directly. */
export const NOTIFICATION_QUEUE = 'notifications';
export const NOTIFICATION_JOB = 'deliver-webhook';

export interface NotificationJobData {
  deliveryId: string;
  /** The attempt this job is for (the delivery's `nextAttemptAt`, ISO 8601): a job for an attempt no longer due does nothing. */
  nextAttemptAt: string;
}

/** One job per attempt: relaying the same attempt twice enqueues it once; a retry or redelivery is a new job. */
export function notificationJobId(deliveryId: string, nextAttemptAt: Date): string {
  return `webhook-${deliveryId}-${nextAttemptAt.getTime()}`;
}
