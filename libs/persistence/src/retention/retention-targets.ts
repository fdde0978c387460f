import type { RetentionConfig } from '@jim/config';
import type { ExecutionStatus } from '../entities/enums';

/**
 * Which retention setting an execution's final status falls under; null: never purged (still running). A Record over
 * every status, so that a new status does not compile until it is given a class. Cancelled counts as failed: an
 * execution that did not run to its end is kept as long as a failure, for whoever looks into why it was stopped.
 */
export const EXECUTION_RETENTION: Readonly<Record<ExecutionStatus, 'succeededDays' | 'failedDays' | null>> = {
  Queued: null,
  InProgress: null,
  Complete: 'succeededDays',
  Failed: 'failedDays',
  Cancelled: 'failedDays',
};

/** A table whose old rows the workers purge. */
export interface RetentionTarget {
  /** Names the target in `/metrics` (`target` label) and in the log line of each pass. */
  name: string;
  /** Its rows have a unique `id` column. A target whose table does not exist is passed over. */
  table: string;
  /** When a row became history; rows older than the setting's days are purged. NULL is never purged. */
  ageColumn: string;
  setting: Exclude<keyof RetentionConfig, 'intervalSeconds' | 'batchSize'>;
  /** Further condition on the rows, on the table's alias `t`. An index on (ageColumn, id) WHERE this makes a batch cheap. */
  where?: string;
}

function statusesUnder(setting: 'succeededDays' | 'failedDays'): string {
  const statuses = (Object.keys(EXECUTION_RETENTION) as ExecutionStatus[]).filter((s) => EXECUTION_RETENTION[s] === setting);
  return `t.status IN (${statuses.map((s) => `'${s}'`).join(', ')})`;
}

/**
 * Each schedule's last execution (by queue time) is kept whatever its age: the list always shows it. A deleted
 * schedule's executions (schedule_id NULL) have no last one to keep.
 */
const NOT_THE_SCHEDULES_LAST = `(t.schedule_id IS NULL OR EXISTS (
  SELECT 1 FROM schedule_executions n WHERE n.schedule_id = t.schedule_id AND (n.queued_at, n.id) > (t.queued_at, t.id)))`;

/**
 * What the workers purge, oldest first, in batches. An execution's steps go with it (foreign key ON DELETE CASCADE).
 * Change history (`configuration_changes`) is never purged.
 */
export const RETENTION_TARGETS: readonly RetentionTarget[] = [
  {
    name: 'succeeded_executions',
    table: 'schedule_executions',
    ageColumn: 'completed_at',
    setting: 'succeededDays',
    where: `${statusesUnder('succeededDays')} AND ${NOT_THE_SCHEDULES_LAST}`,
  },
  {
    name: 'failed_executions',
    table: 'schedule_executions',
    ageColumn: 'completed_at',
    setting: 'failedDays',
    where: `${statusesUnder('failedDays')} AND ${NOT_THE_SCHEDULES_LAST}`,
  },
  { name: 'skipped_runs', table: 'skipped_runs', ageColumn: 'recorded_at', setting: 'skippedDays' },
  { name: 'webhook_deliveries', table: 'webhook_deliveries', ageColumn: 'created_at', setting: 'deliveriesDays' },
];
