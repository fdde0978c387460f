import type { DataSource } from 'typeorm';

export interface TickHistory {
  /** Nominal times that ran, in order. */
  executions: Date[];
  /** Nominal times recorded as skipped or missed. */
  skipped: Date[];
  /** Nominal times that both ran and were recorded as skipped, or ran twice. */
  duplicates: number;
  /** Whole seconds between the first and the last run that neither ran nor were recorded. */
  unaccounted: Date[];
}

/** What became of each tick of an every-second schedule. */
export async function tickHistory(db: DataSource, scheduleId: string): Promise<TickHistory> {
  const runs: { scheduled_for: Date }[] = await db.query(
    `SELECT scheduled_for FROM schedule_executions WHERE schedule_id = $1 AND trigger_kind <> 'Manual' ORDER BY scheduled_for`,
    [scheduleId],
  );
  const skips: { scheduled_for: Date }[] = await db.query(`SELECT scheduled_for FROM skipped_runs WHERE schedule_id = $1 ORDER BY scheduled_for`, [scheduleId]);
  const executions = runs.map((r) => r.scheduled_for);
  const skipped = skips.map((r) => r.scheduled_for);
  const times = [...executions, ...skipped].map((d) => d.getTime());
  const duplicates = times.length - new Set(times).size;
  const unaccounted: Date[] = [];
  if (executions.length > 0) {
    const seen = new Set(times);
    for (let ms = executions[0].getTime(); ms <= executions[executions.length - 1].getTime(); ms += 1000) {
      if (!seen.has(ms)) unaccounted.push(new Date(ms));
    }
  }
  return { executions, skipped, duplicates, unaccounted };
}
