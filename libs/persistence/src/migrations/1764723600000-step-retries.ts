import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Step retries: each step's retry policy (`max_attempts`, `retry_delay_seconds`, `retry_on_timeout`), copied onto its
 * execution steps with the attempt being run (`attempt`) and, while a retry waits, when it falls due
 * (`next_attempt_at`); and one row per finished attempt in `schedule_execution_step_attempts`.
 */
export class StepRetries1764723600000 implements MigrationInterface {
  name = 'StepRetries1764723600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL search_path TO public`);
    for (const table of ['schedule_steps', 'schedule_execution_steps']) {
      await db.query(`
        ALTER TABLE ${table}
          ADD COLUMN max_attempts int NOT NULL DEFAULT 1 CHECK (max_attempts BETWEEN 1 AND 10),
          ADD COLUMN retry_delay_seconds int NOT NULL DEFAULT 30 CHECK (retry_delay_seconds BETWEEN 1 AND 3600),
          ADD COLUMN retry_on_timeout boolean NOT NULL DEFAULT false`);
    }
    await db.query(`
      ALTER TABLE schedule_execution_steps
        ADD COLUMN attempt int NOT NULL DEFAULT 1,
        ADD COLUMN next_attempt_at timestamptz`);
    await db.query(`
      CREATE TABLE schedule_execution_step_attempts (
        id uuid PRIMARY KEY,
        execution_step_id uuid NOT NULL REFERENCES schedule_execution_steps(id) ON DELETE CASCADE,
        attempt int NOT NULL,
        started_at timestamptz,
        completed_at timestamptz NOT NULL,
        outcome varchar(30) NOT NULL,
        exit_code int,
        stdout_tail text,
        stderr_tail text,
        error_message text,
        activity_id varchar(64),
        CONSTRAINT uq_schedule_execution_step_attempts UNIQUE (execution_step_id, attempt)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS schedule_execution_step_attempts`);
    await db.query(`ALTER TABLE schedule_execution_steps DROP COLUMN IF EXISTS attempt, DROP COLUMN IF EXISTS next_attempt_at`);
    for (const table of ['schedule_execution_steps', 'schedule_steps']) {
      await db.query(
        `ALTER TABLE ${table} DROP COLUMN IF EXISTS max_attempts, DROP COLUMN IF EXISTS retry_delay_seconds, DROP COLUMN IF EXISTS retry_on_timeout`,
      );
    }
  }
}
