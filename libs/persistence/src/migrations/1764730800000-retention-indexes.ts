import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention purges history oldest first, one batch of rows at a time: each target gets an index on (age, id) limited
 * to the rows it may purge, so that picking a batch reads the batch and not the table.
 */
export class RetentionIndexes1764730800000 implements MigrationInterface {
  name = 'RetentionIndexes1764730800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    await db.query(`CREATE INDEX ix_schedule_executions_retention_succeeded ON schedule_executions (completed_at, id) WHERE status IN ('Complete')`);
    await db.query(
      `CREATE INDEX ix_schedule_executions_retention_failed ON schedule_executions (completed_at, id) WHERE status IN ('Failed', 'Cancelled')`,
    );
    await db.query(`CREATE INDEX ix_skipped_runs_retention ON skipped_runs (recorded_at, id)`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_retention ON webhook_deliveries (created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS ix_webhook_deliveries_retention`);
    await db.query(`DROP INDEX IF EXISTS ix_skipped_runs_retention`);
    await db.query(`DROP INDEX IF EXISTS ix_schedule_executions_retention_failed`);
    await db.query(`DROP INDEX IF EXISTS ix_schedule_executions_retention_succeeded`);
  }
}
