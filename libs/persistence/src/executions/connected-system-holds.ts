import type { DataSource, EntityManager } from 'typeorm';
import { prepared } from '../prepared';
import { queryReturning } from '../executions';
import type { Dispatch } from './execution.repository';

/** First key of the transaction-level advisory lock taken on a connected system (the second is its id). */
const HOLD_LOCK_KEY = 7_345_031;

/** What a step's job does about its connected system before it claims the step. */
export type HoldEntry = 'go' | 'wait';

/**
 * Whether the step of hold `h` (`s`) still needs it: running; handed the system and about to run (or resumed by
 * another worker); waiting in line; or ended while its JIM activity had not (the system is busy until JIM is done).
 */
const NEEDED_SQL = `(s.status IN ('Processing', 'WaitingForResource')
  OR (s.status = 'Queued' AND s.next_attempt_at IS NULL AND h.granted_at IS NOT NULL)
  OR (h.granted_at IS NOT NULL AND s.activity_id IS NOT NULL AND (s.activity_status IS NULL OR s.activity_status IN ('InProgress', 'NotSet'))))`;

/**
 * One RunProfile step at a time per exclusive connected system, across schedules, manual runs and workers. The line
 * is `connected_system_holds`: a granted row holds the system, the others wait in `seq` order (FIFO) with their step
 * WaitingForResource. Every change to a system's line is made under a transaction-level advisory lock on that system,
 * so entering, leaving and handing over never interleave. A step waits without a job: when the system is freed, the
 * next waiter's step is Queued again and returned as a dispatch to enqueue at once.
 */
export class ConnectedSystemHolds {
  constructor(private readonly db: DataSource) {}

  /**
   * Before a step is claimed: a step that needs no exclusive system, or that is handed its system, goes; another one
   * joins the line (Queued → WaitingForResource) and its job ends.
   */
  async enter(executionStepId: string, attempt?: number): Promise<HoldEntry> {
    // One read decides most steps without a transaction: a step that is not a RunProfile step of an exclusive system
    // (most steps), and one handed the system already (woken from the line, or resumed after a worker loss), go.
    const [seen]: { granted: boolean; exclusive: boolean }[] = await this.db.query(
      prepared(`SELECT h.granted_at IS NOT NULL AS granted, (s.step_type = 'RunProfile' AND cs.exclusive IS TRUE) AS exclusive
       FROM schedule_execution_steps s
       LEFT JOIN connected_systems cs ON cs.id = s.connected_system_id
       LEFT JOIN connected_system_holds h ON h.execution_step_id = s.id
       WHERE s.id = $1`),
      [executionStepId],
    );
    if (!seen || seen.granted || !seen.exclusive) return 'go';
    return this.db.transaction(async (tx) => {
      const [step]: { connected_system_id: number; execution_id: string }[] = await tx.query(
        prepared(`SELECT s.connected_system_id, s.execution_id, pg_advisory_xact_lock(${HOLD_LOCK_KEY}, s.connected_system_id)
         FROM schedule_execution_steps s
         JOIN schedule_executions e ON e.id = s.execution_id
         JOIN connected_systems cs ON cs.id = s.connected_system_id
         WHERE s.id = $1 AND s.step_type = 'RunProfile' AND cs.exclusive AND s.status = 'Queued' AND e.status = 'InProgress'
           AND ($2::int IS NULL OR s.attempt = $2)`),
        [executionStepId, attempt ?? null],
      );
      // Not an exclusive RunProfile step, or one the claim will refuse anyway.
      if (!step) return 'go';
      // Under the system's lock, in one statement: join the end of the line, holding the system if nobody is in it.
      const [entered] = await queryReturning<{ status: string }>(
        tx,
        prepared(`WITH ahead AS (
           SELECT 1 FROM connected_system_holds h JOIN schedule_execution_steps s ON s.id = h.execution_step_id
           WHERE h.connected_system_id = $2 AND h.execution_step_id <> $1 AND (h.granted_at IS NOT NULL OR s.status = 'WaitingForResource')
           LIMIT 1
         ),
         joined AS (
           INSERT INTO connected_system_holds (execution_step_id, connected_system_id, execution_id, requested_at, granted_at)
           SELECT $1, $2, $3, clock_timestamp(), CASE WHEN EXISTS (SELECT 1 FROM ahead) THEN NULL ELSE clock_timestamp() END
           ON CONFLICT (execution_step_id) DO NOTHING
         )
         -- A retry's job has come: the attempt is due, and from now on its hold says whether it needs the system.
         UPDATE schedule_execution_steps
         SET next_attempt_at = NULL, status = CASE WHEN EXISTS (SELECT 1 FROM ahead) THEN 'WaitingForResource' ELSE status END
         WHERE id = $1 RETURNING status`),
        [executionStepId, step.connected_system_id, step.execution_id],
      );
      return entered?.status === 'WaitingForResource' ? 'wait' : 'go';
    });
  }

  /**
   * After a step's job: leaves the line if the step no longer needs the system, and hands a freed system to the next
   * waiter. Returns that waiter's step, to enqueue.
   */
  async release(executionStepId: string): Promise<Dispatch | null> {
    const [hold]: { connected_system_id: number }[] = await this.db.query(
      prepared(`SELECT connected_system_id FROM connected_system_holds WHERE execution_step_id = $1`),
      [executionStepId],
    );
    if (!hold) return null;
    return this.db.transaction(async (tx) => {
      await lockSystem(tx, hold.connected_system_id);
      return handOn(tx, executionStepId, hold.connected_system_id);
    });
  }

  /**
   * Frees the systems held by steps that no longer need them (their worker was lost, a release failed, a JIM activity
   * left running after a timeout has ended), and hands every free system to its next waiter.
   */
  async sweep(): Promise<Dispatch[]> {
    const systems: { connected_system_id: number }[] = await this.db.query(
      prepared(`SELECT DISTINCT h.connected_system_id FROM connected_system_holds h
       LEFT JOIN schedule_execution_steps s ON s.id = h.execution_step_id
       WHERE s.id IS NULL OR NOT ${NEEDED_SQL}
          OR (h.granted_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM connected_system_holds g WHERE g.connected_system_id = h.connected_system_id AND g.granted_at IS NOT NULL))`),
    );
    const dispatches: Dispatch[] = [];
    for (const { connected_system_id: systemId } of systems) {
      const dispatch = await this.db.transaction(async (tx) => {
        await lockSystem(tx, systemId);
        await tx.query(
          prepared(`DELETE FROM connected_system_holds h USING schedule_execution_steps s
           WHERE h.connected_system_id = $1 AND s.id = h.execution_step_id AND NOT ${NEEDED_SQL}`),
          [systemId],
        );
        return handOver(tx, systemId);
      });
      if (dispatch) dispatches.push(dispatch);
    }
    return dispatches;
  }
}

/**
 * Inside the transaction that ends a step: takes the lock of the connected system the step is in line for, if any,
 * and returns that system's id. Taken before the step's row is changed (execution row → system lock → step rows,
 * the order every transaction on a line follows), so it never deadlocks with a step entering the line.
 */
export async function lockHeldSystem(tx: EntityManager, executionStepId: string): Promise<number | null> {
  const [hold]: { connected_system_id: number }[] = await tx.query(
    prepared(`SELECT connected_system_id, pg_advisory_xact_lock(${HOLD_LOCK_KEY}, connected_system_id) FROM connected_system_holds WHERE execution_step_id = $1`),
    [executionStepId],
  );
  return hold ? hold.connected_system_id : null;
}

/**
 * Under the system's lock, in one statement (one snapshot): the step leaves the line if it no longer needs the
 * system, stale waiters are dropped, and a freed system is granted to the first waiter, whose step is Queued again.
 * Returns that waiter's step, to enqueue once the transaction has committed.
 */
export async function handOn(tx: EntityManager, executionStepId: string, connectedSystemId: number): Promise<Dispatch | null> {
  const [woken] = await queryReturning<{ id: string; execution_id: string }>(
    tx,
    prepared(`WITH gone AS (
       DELETE FROM connected_system_holds h USING schedule_execution_steps s
       WHERE h.execution_step_id = $1 AND s.id = h.execution_step_id AND NOT ${NEEDED_SQL}
       RETURNING h.execution_step_id
     ),
     stale AS (
       DELETE FROM connected_system_holds h USING schedule_execution_steps s
       WHERE h.connected_system_id = $2 AND h.granted_at IS NULL AND s.id = h.execution_step_id AND s.status <> 'WaitingForResource'
     ),
     next AS (
       SELECT h.execution_step_id FROM connected_system_holds h JOIN schedule_execution_steps s ON s.id = h.execution_step_id
       WHERE h.connected_system_id = $2 AND h.granted_at IS NULL AND s.status = 'WaitingForResource'
         AND EXISTS (SELECT 1 FROM gone)
         AND NOT EXISTS (SELECT 1 FROM connected_system_holds g WHERE g.connected_system_id = $2 AND g.granted_at IS NOT NULL AND g.execution_step_id <> $1)
       ORDER BY h.seq LIMIT 1
     ),
     granted AS (
       UPDATE connected_system_holds h SET granted_at = clock_timestamp() FROM next WHERE h.execution_step_id = next.execution_step_id
     )
     UPDATE schedule_execution_steps s SET status = 'Queued', heartbeat_at = clock_timestamp()
     FROM next WHERE s.id = next.execution_step_id RETURNING s.id, s.execution_id`),
    [executionStepId, connectedSystemId],
  );
  // Its first job has ended (it found the system taken), so it needs a job of its own; it holds the system already.
  return woken ? { executionId: woken.execution_id, stepIds: [woken.id], resume: true, granted: true } : null;
}

async function lockSystem(tx: EntityManager, connectedSystemId: number): Promise<void> {
  await tx.query(prepared(`SELECT pg_advisory_xact_lock($1, $2)`), [HOLD_LOCK_KEY, connectedSystemId]);
}

/** If the system is free: grants it to the first step still waiting (WaitingForResource → Queued), dropping stale waiters. */
async function handOver(tx: EntityManager, connectedSystemId: number): Promise<Dispatch | null> {
  const [held] = await tx.query(prepared(`SELECT 1 FROM connected_system_holds WHERE connected_system_id = $1 AND granted_at IS NOT NULL`), [connectedSystemId]);
  if (held) return null;
  // Waiters whose step stopped waiting (cancelled, its execution ended) leave the line.
  await tx.query(
    prepared(`DELETE FROM connected_system_holds h USING schedule_execution_steps s
     WHERE h.connected_system_id = $1 AND h.granted_at IS NULL AND s.id = h.execution_step_id AND s.status <> 'WaitingForResource'`),
    [connectedSystemId],
  );
  const [next]: { execution_step_id: string; execution_id: string }[] = await tx.query(
    prepared(`SELECT h.execution_step_id, h.execution_id FROM connected_system_holds h
     WHERE h.connected_system_id = $1 AND h.granted_at IS NULL ORDER BY h.seq LIMIT 1`),
    [connectedSystemId],
  );
  if (!next) return null;
  await tx.query(prepared(`UPDATE connected_system_holds SET granted_at = clock_timestamp() WHERE execution_step_id = $1`), [next.execution_step_id]);
  await tx.query(
    prepared(`UPDATE schedule_execution_steps SET status = 'Queued', heartbeat_at = clock_timestamp() WHERE id = $1 AND status = 'WaitingForResource'`),
    [next.execution_step_id],
  );
  // Its first job has ended (it found the system taken), so it needs a job of its own.
  return { executionId: next.execution_id, stepIds: [next.execution_step_id], resume: true, granted: true };
}
