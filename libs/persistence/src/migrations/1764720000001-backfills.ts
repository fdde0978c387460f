import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backfills: one execution per nominal fire time of a past (or any) range, trigger kind Backfill, each tagged with
 * its backfill. A backfill's nominal times are unique within it; the (schedule, nominal time) key of ticks no longer
 * covers them, so a backfilled time may also have had its own tick.
 */
export class Backfills1764720000001 implements MigrationInterface {
  name = 'Backfills1764720000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    await db.query(`
      CREATE TABLE backfills (
        id uuid PRIMARY KEY,
        schedule_id uuid REFERENCES schedules(id) ON DELETE SET NULL,
        start_time timestamptz NOT NULL,
        end_time timestamptz NOT NULL,
        overlap_policy varchar(20) NOT NULL,
        total int NOT NULL,
        created timestamptz NOT NULL,
        initiated_by_type varchar(20) NOT NULL,
        initiated_by_id varchar(64),
        initiated_by_name varchar(200),
        cancelled_at timestamptz
      )`);
    await db.query(`CREATE INDEX ix_backfills_schedule ON backfills (schedule_id, created DESC)`);
    await db.query(`ALTER TABLE schedule_executions ADD COLUMN backfill_id uuid REFERENCES backfills(id) ON DELETE SET NULL`);
    await db.query(`DROP INDEX ux_schedule_executions_tick`);
    await db.query(
      `CREATE UNIQUE INDEX ux_schedule_executions_tick ON schedule_executions (schedule_id, scheduled_for) WHERE scheduled_for IS NOT NULL AND backfill_id IS NULL`,
    );
    await db.query(`CREATE UNIQUE INDEX ux_schedule_executions_backfill ON schedule_executions (backfill_id, scheduled_for) WHERE backfill_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ux_schedule_executions_backfill`);
    await db.query(`DELETE FROM schedule_executions WHERE backfill_id IS NOT NULL`);
    await db.query(`DROP INDEX IF EXISTS ux_schedule_executions_tick`);
    await db.query(`CREATE UNIQUE INDEX ux_schedule_executions_tick ON schedule_executions (schedule_id, scheduled_for) WHERE scheduled_for IS NOT NULL`);
    await db.query(`ALTER TABLE schedule_executions DROP COLUMN IF EXISTS backfill_id`);
    await db.query(`DROP TABLE IF EXISTS backfills`);
  }
}
