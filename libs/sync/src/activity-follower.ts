import type { JimActivityStatus } from './jim-sync-client';

/** How far a run has got, as shown on the execution step. */
export interface RunProgress {
  percentComplete: number | null;
  objectsProcessed: number | null;
  objectsToProcess: number | null;
  phase: string | null;
}

/** What is known of one JIM activity. */
export interface ActivityNews {
  status: JimActivityStatus;
  progress: RunProgress | null;
  /** The finished activity's errorMessage or warningMessage. */
  message: string | null;
}

export interface FollowedActivity {
  activityId: string;
  taskId: string | null;
}

/**
 * Follows activities to their end. One implementation shares a single worker-task list call per interval among every
 * followed activity (JIM allows 300 requests a minute per key, for everyone using it).
 */
export interface ActivityFollower {
  /** Resolves with the activity's terminal news; rejects with the signal's reason when it aborts first. */
  untilFinished(target: FollowedActivity, signal: AbortSignal): Promise<ActivityNews>;
}

/** `percentComplete` as JIM computes it: one decimal, clamped, null when there is nothing to process. */
export function percentComplete(processed: number | null, toProcess: number | null): number | null {
  if (!toProcess || processed == null) return null;
  return Math.round(Math.min(100, Math.max(0, (processed / toProcess) * 100)) * 10) / 10;
}
