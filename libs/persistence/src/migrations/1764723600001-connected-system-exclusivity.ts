import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One RunProfile step at a time per connected system: `connected_systems.exclusive` (default true) and the line of
 * steps holding or waiting for each system, `connected_system_holds` (a granted row is the holder; the others wait in
 * `seq` order). Rows are changed only under a transaction-level advisory lock on the system.
 */
export class ConnectedSystemExclusivity1764723600001 implements MigrationInterface {
  name = 'ConnectedSystemExclusivity1764723600001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    await db.query(`ALTER TABLE connected_systems ADD COLUMN exclusive boolean NOT NULL DEFAULT true`);
    await db.query(`
      CREATE TABLE connected_system_holds (
        execution_step_id uuid PRIMARY KEY REFERENCES schedule_execution_steps(id) ON DELETE CASCADE,
        connected_system_id int NOT NULL,
        execution_id uuid NOT NULL,
        seq bigserial NOT NULL,
        requested_at timestamptz NOT NULL,
        granted_at timestamptz
      )`);
    await db.query(`CREATE INDEX ix_connected_system_holds_line ON connected_system_holds (connected_system_id, seq)`);
    await db.query(`CREATE UNIQUE INDEX uq_connected_system_holds_holder ON connected_system_holds (connected_system_id) WHERE granted_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS connected_system_holds`);
    await db.query(`ALTER TABLE connected_systems DROP COLUMN IF EXISTS exclusive`);
  }
}
