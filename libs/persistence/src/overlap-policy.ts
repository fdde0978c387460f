import { createHash } from 'node:crypto';
import type { OverlapPolicy } from './entities/enums';

/** BufferAll keeps at most this many executions waiting; a tick beyond it is dropped and recorded. */
export const BUFFER_ALL_CAP = 100;

/** The active executions of a schedule: running (InProgress) and waiting for their turn (Queued), oldest first. */
export interface ActiveExecutions {
  running: string[];
  waiting: string[];
}

export type OverlapDecision =
  /** Start an execution now. */
  | { action: 'start' }
  /** Insert the execution Queued: it starts when the running ones have ended, in arrival order. */
  | { action: 'wait' }
  /** Start nothing: recorded as a skipped run with the reason. */
  | { action: 'skip'; reason: string; activeExecutionId: string }
  /** Cancel these executions (their running steps are stopped), then start. */
  | { action: 'cancel-and-start'; cancel: string[] };

/**
 * The overlap policy's decision table, for a tick or a manual run of a schedule, given its active executions.
 * Pure: the tick transaction and the manual run apply it under the schedule's row lock.
 */
export function decideOverlap(policy: OverlapPolicy, active: ActiveExecutions): OverlapDecision {
  const [first] = [...active.running, ...active.waiting];
  if (first === undefined || policy === 'AllowAll') return { action: 'start' };
  switch (policy) {
    case 'Skip': {
      const running = active.running.length > 0;
      return { action: 'skip', reason: `Execution ${first} was still ${running ? 'in progress' : 'queued'}`, activeExecutionId: first };
    }
    case 'BufferOne':
      if (active.waiting.length === 0) return { action: 'wait' };
      return {
        action: 'skip',
        reason: `Execution ${active.waiting[0]} was already waiting for its turn (overlap policy BufferOne holds one)`,
        activeExecutionId: active.waiting[0],
      };
    case 'BufferAll':
      if (active.waiting.length < BUFFER_ALL_CAP) return { action: 'wait' };
      return {
        action: 'skip',
        reason: `Dropped: ${active.waiting.length} executions were already waiting (overlap policy BufferAll holds at most ${BUFFER_ALL_CAP})`,
        activeExecutionId: active.waiting[active.waiting.length - 1],
      };
    case 'CancelPrevious':
      return { action: 'cancel-and-start', cancel: [...active.running, ...active.waiting] };
  }
}

/**
 * The delay after its nominal time at which a tick starts, in [0, jitterSeconds) s: derived from the schedule and the
 * nominal time alone, so every worker (and the next-runs preview) computes the same one.
 */
export function jitterDelayMs(scheduleId: string, nominal: Date, jitterSeconds: number): number {
  if (jitterSeconds <= 0) return 0;
  const digest = createHash('sha256').update(`${scheduleId}|${nominal.toISOString()}`).digest();
  return digest.readUInt32BE(0) % (jitterSeconds * 1000);
}
