import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RunProfile steps driven on JIM: what was sent (`dispatched_at`, stored before execute is sent) and what JIM
 * answered (`activity_id`, `task_id`), so a resumed step follows the same activity instead of running the profile
 * again; and the latest news of that activity (`activity_status`, `progress`, `activity_message`), written by
 * whichever worker polls JIM for everyone. Connected systems and run profiles mirrored from JIM that JIM no longer
 * has are marked `removed_from_jim_at`.
 */
export class JimDispatch1764633600000 implements MigrationInterface {
  name = 'JimDispatch1764633600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE schedule_execution_steps
        ADD COLUMN dispatched_at timestamptz,
        ADD COLUMN activity_id varchar(64),
        ADD COLUMN task_id varchar(64),
        ADD COLUMN activity_status varchar(30),
        ADD COLUMN activity_message text,
        ADD COLUMN progress jsonb`);
    await db.query(`
      CREATE INDEX ix_schedule_execution_steps_followed ON schedule_execution_steps (activity_id)
      WHERE activity_id IS NOT NULL AND status = 'Processing'`);
    // The catalogue mirrored from JIM: what JIM no longer has is marked, never deleted under the schedules using it.
    await db.query(`ALTER TABLE connected_systems ADD COLUMN removed_from_jim_at timestamptz`);
    await db.query(`ALTER TABLE run_profiles ADD COLUMN removed_from_jim_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE run_profiles DROP COLUMN IF EXISTS removed_from_jim_at`);
    await db.query(`ALTER TABLE connected_systems DROP COLUMN IF EXISTS removed_from_jim_at`);
    await db.query(`DROP INDEX IF EXISTS ix_schedule_execution_steps_followed`);
    await db.query(`
      ALTER TABLE schedule_execution_steps
        DROP COLUMN IF EXISTS dispatched_at, DROP COLUMN IF EXISTS activity_id, DROP COLUMN IF EXISTS task_id,
        DROP COLUMN IF EXISTS activity_status, DROP COLUMN IF EXISTS activity_message, DROP COLUMN IF EXISTS progress`);
  }
}
