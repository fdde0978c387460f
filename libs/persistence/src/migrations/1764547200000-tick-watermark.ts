import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `schedules.first_unaccounted_tick`: the earliest fire time of the schedule's current trigger that has neither an
 * execution nor a skipped run yet. A tick handled in order moves it on (in the statement that starts the execution);
 * a tick that no worker handled holds it back, and the workers' misfire pass records such ticks as skipped runs.
 * Whenever a schedule starts firing or its trigger changes, it restarts at the new next run time (this trigger), so
 * no writer of schedules has to remember it.
 */
export class TickWatermark1764547200000 implements MigrationInterface {
  name = 'TickWatermark1764547200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    await db.query(`ALTER TABLE schedules ADD COLUMN first_unaccounted_tick timestamptz`);
    await db.query(`UPDATE schedules SET first_unaccounted_tick = next_run_time WHERE is_enabled AND trigger_type = 'Cron'`);
    await db.query(`CREATE INDEX ix_schedules_first_unaccounted_tick ON schedules (first_unaccounted_tick) WHERE first_unaccounted_tick IS NOT NULL`);
    await db.query(`
      CREATE FUNCTION schedules_restart_tick_watermark() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT'
           OR NEW.is_enabled IS DISTINCT FROM OLD.is_enabled
           OR NEW.trigger_type IS DISTINCT FROM OLD.trigger_type
           OR NEW.cron_expression IS DISTINCT FROM OLD.cron_expression
           OR NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
          NEW.first_unaccounted_tick := CASE WHEN NEW.is_enabled AND NEW.trigger_type = 'Cron' THEN NEW.next_run_time END;
        END IF;
        RETURN NEW;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER schedules_restart_tick_watermark BEFORE INSERT OR UPDATE ON schedules
      FOR EACH ROW EXECUTE FUNCTION schedules_restart_tick_watermark()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER IF EXISTS schedules_restart_tick_watermark ON schedules`);
    await db.query(`DROP FUNCTION IF EXISTS schedules_restart_tick_watermark()`);
    await db.query(`ALTER TABLE schedules DROP COLUMN IF EXISTS first_unaccounted_tick`);
  }
}
