import type { DataSource } from 'typeorm';
import type { RetentionTarget } from './retention-targets';

/** Where a purge got to in a target: the (age, id) of the last row it looked at; the next batch starts after it. */
export interface PurgePosition {
  /** As PostgreSQL prints it: a Date would drop the microseconds. */
  age: string;
  id: string;
}

export interface PurgeBatch {
  purged: number;
  /** Null when the batch found nothing more to purge before the cutoff. */
  next: PurgePosition | null;
}

/** The engine never waits on a purge for longer than this, nor a purge on the engine: the batch gives up instead. */
const LOCK_TIMEOUT = '500ms';
const STATEMENT_TIMEOUT = '60s';

/**
 * The statements that purge history (see `RETENTION_TARGETS`). Each batch is one short transaction that deletes at
 * most `limit` rows, oldest first: the rows are picked in (age, id) order from an index, rows locked by anyone else
 * are skipped (SKIP LOCKED) and left for the next pass, and the transaction waits for no lock longer than 500 ms.
 */
export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  /** Deletes up to `limit` rows of the target older than `cutoff`, after `after` in (age, id) order. */
  async purgeBatch(target: RetentionTarget, cutoff: Date, limit: number, after: PurgePosition | null): Promise<PurgeBatch> {
    const { table, ageColumn: age } = target;
    const conditions = [`t.${age} < $1`];
    if (target.where) conditions.push(`(${target.where})`);
    if (after) conditions.push(`(t.${age}, t.id) > ($3::timestamptz, $4)`);
    const params: unknown[] = [cutoff, limit];
    if (after) params.push(after.age, after.id);
    return this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await tx.query(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
      const [row]: { purged: number; scanned: number; last_age: string | null; last_id: string | null }[] = await tx.query(
        `WITH doomed AS MATERIALIZED (
           SELECT t.id, t.${age} AS age FROM ${table} t
           WHERE ${conditions.join(' AND ')}
           ORDER BY t.${age}, t.id LIMIT $2
           FOR UPDATE OF t SKIP LOCKED
         ),
         purged AS (DELETE FROM ${table} d USING doomed WHERE d.id = doomed.id RETURNING 1),
         last AS (SELECT age::text AS age, id::text AS id FROM doomed ORDER BY age DESC, id DESC LIMIT 1)
         SELECT (SELECT count(*) FROM purged)::int AS purged, (SELECT count(*) FROM doomed)::int AS scanned,
                (SELECT age FROM last) AS last_age, (SELECT id FROM last) AS last_id`,
        params,
      );
      const next = row.scanned < limit || row.last_age === null || row.last_id === null ? null : { age: row.last_age, id: row.last_id };
      return { purged: row.purged, next };
    });
  }
}
