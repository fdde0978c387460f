import { randomUUID } from 'node:crypto';

type Db = { query(sql: string, params?: unknown[]): Promise<any> };

const DAY_MS = 86_400_000;

export function daysAgo(days: number, now = Date.now()): Date {
  return new Date(now - days * DAY_MS);
}

/** A Manual schedule (it never fires), inserted by SQL. */
export async function insertSchedule(db: Db, name = `History ${randomUUID()}`): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO schedules (id, name, trigger_type, pattern_type, created, created_by_type, version)
     VALUES ($1, $2, 'Manual', 'SpecificTimes', now(), 'System', 1)`,
    [id, name],
  );
  return id;
}

export interface PastExecution {
  status: 'Queued' | 'InProgress' | 'Complete' | 'Failed' | 'Cancelled';
  /** When it was queued; it ended a minute later (unless still running). */
  queuedDaysAgo: number;
  /** Step rows to give it. */
  steps?: number;
}

/** An execution that happened in the past, with its steps, inserted by SQL. */
export async function insertExecution(db: Db, scheduleId: string | null, e: PastExecution): Promise<string> {
  const id = randomUUID();
  const queued = daysAgo(e.queuedDaysAgo);
  const ended = e.status === 'Queued' || e.status === 'InProgress' ? null : new Date(queued.getTime() + 60_000);
  await db.query(
    `INSERT INTO schedule_executions (id, schedule_id, schedule_name, status, trigger_kind, total_steps, queued_at, started_at, completed_at, initiated_by_type)
     VALUES ($1, $2, 'History', $3, 'Manual', $4, $5, $5, $6, 'System')`,
    [id, scheduleId, e.status, Math.max(1, e.steps ?? 1), queued, ended],
  );
  for (let i = 0; i < (e.steps ?? 0); i++) {
    await db.query(
      `INSERT INTO schedule_execution_steps (id, execution_id, step_id, step_index, group_ordinal, position, name, step_type, execution_mode, continue_on_failure, status)
       VALUES ($1, $2, $3, $4, $4, 0, $5, 'Executable', 'Sequential', false, $6)`,
      [randomUUID(), id, randomUUID(), i, `step ${i}`, e.status === 'Complete' ? 'Completed' : e.status === 'InProgress' ? 'Pending' : 'Cancelled'],
    );
  }
  return id;
}

export async function insertSkippedRun(db: Db, scheduleId: string, recordedDaysAgo: number): Promise<string> {
  const id = randomUUID();
  const at = daysAgo(recordedDaysAgo);
  await db.query(
    `INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, recorded_at) VALUES ($1, $2, $3, 'Missed', $3)`,
    [id, scheduleId, at],
  );
  return id;
}

/** A change-history row, as old as asked. */
export async function insertChange(db: Db, scheduleId: string, version: number, changedDaysAgo: number): Promise<void> {
  await db.query(
    `INSERT INTO configuration_changes (target_type, target_id, target_name, version, operation, initiated_by_type, changed_at)
     VALUES ('Schedule', $1, 'History', $2, 'Update', 'System', $3)`,
    [scheduleId, version, daysAgo(changedDaysAgo)],
  );
}

/**
 * Records, for every row deleted from these tables, the transaction that deleted it: how a test sees how many rows
 * one transaction of the purge removed.
 */
export async function auditDeletes(db: Db, tables: string[]): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS deleted_rows_audit (table_name text NOT NULL, tx bigint NOT NULL)`);
  await db.query(`
    CREATE OR REPLACE FUNCTION audit_deleted_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO deleted_rows_audit VALUES (TG_TABLE_NAME, txid_current());
      RETURN OLD;
    END $$`);
  for (const table of tables) {
    await db.query(`CREATE OR REPLACE TRIGGER audit_deleted_row AFTER DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_deleted_row()`);
  }
}

/** Rows deleted per transaction, for one table. */
export async function deletesPerTransaction(db: Db, table: string): Promise<number[]> {
  const rows: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM deleted_rows_audit WHERE table_name = $1 GROUP BY tx ORDER BY min(tx)`,
    [table],
  );
  return rows.map((r) => r.n);
}
