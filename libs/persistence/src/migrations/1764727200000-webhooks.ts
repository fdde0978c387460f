import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks and their delivery log, which is also the outbox: a delivery row is written in the transaction that
 * settles an execution, records a skipped run or changes a schedule, and a worker relays it to the notifications
 * queue afterwards (`enqueued_at`), so a crash between commit and send loses nothing.
 */
export class Webhooks1764727200000 implements MigrationInterface {
  name = 'Webhooks1764727200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    await db.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY,
        url varchar(2000) NOT NULL,
        description varchar(1000),
        events varchar(40)[] NOT NULL,
        schedule_ids uuid[] NOT NULL DEFAULT '{}',
        is_enabled boolean NOT NULL,
        secret text NOT NULL,
        disabled_reason varchar(500),
        created timestamptz NOT NULL,
        last_updated timestamptz
      )`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event_type varchar(40) NOT NULL,
        schedule_id uuid,
        execution_id uuid,
        data jsonb NOT NULL,
        payload text,
        status varchar(20) NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        last_error text,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        enqueued_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_created_at ON webhook_deliveries (created_at)`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC)`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_outbox ON webhook_deliveries (created_at) WHERE status = 'Pending' AND enqueued_at IS NULL`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (next_attempt_at) WHERE status = 'Pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await db.query(`DROP TABLE IF EXISTS webhooks`);
  }
}
