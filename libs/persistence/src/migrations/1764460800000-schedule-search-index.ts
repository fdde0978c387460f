import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Substring search of schedules (`?search=`) by trigram indexes: without them every search reads the whole table
 * (about 0.5 s at 100,000 schedules). pg_trgm ships with PostgreSQL and is a trusted extension, but a server may
 * lack it or refuse it: then search keeps working, only slower.
 */
export class ScheduleSearchIndex1764460800000 implements MigrationInterface {
  name = 'ScheduleSearchIndex1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    const [available] = await db.query(`SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (!available) return;
    await db.query(`SAVEPOINT search_index`);
    try {
      await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
      await db.query(`CREATE INDEX IF NOT EXISTS ix_schedules_name_trgm ON schedules USING gin (name public.gin_trgm_ops)`);
      await db.query(`CREATE INDEX IF NOT EXISTS ix_schedules_description_trgm ON schedules USING gin (description public.gin_trgm_ops)`);
      await db.query(`RELEASE SAVEPOINT search_index`);
    } catch {
      await db.query(`ROLLBACK TO SAVEPOINT search_index`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_schedules_description_trgm`);
    await db.query(`DROP INDEX IF EXISTS ix_schedules_name_trgm`);
  }
}
