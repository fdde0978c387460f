import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedule-level execution policies: what a tick does while an execution is active (`overlap_policy`), how late a
 * tick may still start (`catch_up_window_seconds`, null for the workers' JIM_MISFIRE_GRACE_SECONDS), and the spread
 * of start times after the nominal time (`jitter_seconds`). Executions waiting behind a running one (BufferOne,
 * BufferAll) are Queued; the index finds a schedule's waiting and running executions.
 */
export class SchedulePolicies1764720000000 implements MigrationInterface {
  name = 'SchedulePolicies1764720000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE schedules
        ADD COLUMN overlap_policy varchar(20) NOT NULL DEFAULT 'Skip',
        ADD COLUMN catch_up_window_seconds int,
        ADD COLUMN jitter_seconds int NOT NULL DEFAULT 0`);
    await db.query(`
      CREATE INDEX ix_schedule_executions_active ON schedule_executions (schedule_id, queued_at)
      WHERE status IN ('Queued', 'InProgress')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_schedule_executions_active`);
    await db.query(`
      ALTER TABLE schedules
        DROP COLUMN IF EXISTS overlap_policy, DROP COLUMN IF EXISTS catch_up_window_seconds, DROP COLUMN IF EXISTS jitter_seconds`);
  }
}
