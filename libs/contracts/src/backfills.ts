import type { ExecutionStatus } from './enums';

/** How a backfill runs its executions: one after another (BufferAll, the default) or all at once (AllowAll). */
export const BACKFILL_OVERLAP_POLICIES = ['BufferAll', 'AllowAll'] as const;
export type BackfillOverlapPolicy = (typeof BACKFILL_OVERLAP_POLICIES)[number];

/** At most this many nominal times per backfill. */
export const MAX_BACKFILL_RUNS = 1000;

export interface BackfillRequest {
  /** RFC 3339; the range is [startTime, endTime). */
  startTime: string;
  endTime: string;
  overlapPolicy?: BackfillOverlapPolicy | null;
}

export interface BackfillResponse {
  backfillId: string;
  scheduleId: string;
  /** How many executions: one per nominal fire time in the range. */
  count: number;
  startTime: string;
  endTime: string;
  overlapPolicy: BackfillOverlapPolicy;
}

export interface BackfillProgressResponse extends BackfillResponse {
  /** Running while any of its executions is Queued or InProgress; then Complete, or Cancelled when it was cancelled. */
  status: 'Running' | 'Complete' | 'Cancelled';
  created: string;
  cancelledAt: string | null;
  /** Executions by status. */
  queued: number;
  inProgress: number;
  complete: number;
  failed: number;
  cancelled: number;
  executions: { id: string; scheduledFor: string; status: ExecutionStatus }[];
}
