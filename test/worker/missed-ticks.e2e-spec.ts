import { startTicks, supersededReason } from '@jim/persistence';
import { compileCron } from '@jim/trigger';
import { MissedTicks, missedTickReason } from '../../apps/worker/src/firing/missed-ticks';
import { WorkerMetrics } from '../../apps/worker/src/observability/worker-metrics';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const MINUTE = 60_000;

describe('Missed ticks: every nominal time ends up run or recorded', () => {
  let t: TestApp;
  let missed: MissedTicks;
  let metrics: WorkerMetrics;
  const config = testConfig({ JIM_MISFIRE_GRACE_SECONDS: '60' });

  beforeAll(async () => {
    t = await createTestApp();
    metrics = new WorkerMetrics();
    missed = new MissedTicks(t.db, config, metrics);
  });
  afterAll(async () => {
    await t.close();
  });

  async function everyMinute(name: string): Promise<string> {
    const res = await t.api()
      .post(S)
      .send({ name, triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * * *', isEnabled: true, steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] })
      .expect(201);
    return res.body.id;
  }

  async function watermark(id: string): Promise<Date | null> {
    const [row] = await t.db.query(`SELECT first_unaccounted_tick FROM schedules WHERE id = $1`, [id]);
    return row.first_unaccounted_tick;
  }

  /** A tick handled by the worker's own path (the statement TickService runs). */
  function tick(id: string, nominal: Date) {
    const trigger = compileCron('0 * * * * *', 'UTC');
    return t.db
      .transaction((tx) => startTicks(tx, [{ scheduleId: id, nominal, check: () => ({ scheduledFor: nominal, times: { nextRunTime: trigger.next(new Date()), followingTick: trigger.next(nominal) }, superseded: [], missed: null }) }]))
      .then(([outcome]) => outcome);
  }

  it('starts the watermark at the next run time, restarts it when the trigger changes, and clears it while the schedule does not fire', async () => {
    const id = await everyMinute('Watermark follows the trigger');
    const [created] = await t.db.query(`SELECT next_run_time FROM schedules WHERE id = $1`, [id]);
    expect(await watermark(id)).toEqual(created.next_run_time);

    await t.db.query(`UPDATE schedules SET first_unaccounted_tick = first_unaccounted_tick - interval '1 hour' WHERE id = $1`, [id]);
    await t.api().put(`${S}/${id}`).send({ name: 'Watermark follows the trigger', triggerType: 'Cron', patternType: 'Custom', cronExpression: '30 * * * * *', isEnabled: true, steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] }).expect(200);
    const [retimed] = await t.db.query(`SELECT next_run_time FROM schedules WHERE id = $1`, [id]);
    expect(retimed.next_run_time.getUTCSeconds()).toBe(30);
    expect(await watermark(id)).toEqual(retimed.next_run_time);

    await t.api().post(`${S}/${id}/disable`).expect(200);
    expect(await watermark(id)).toBeNull();
    await t.api().post(`${S}/${id}/enable`).expect(200);
    const [enabled] = await t.db.query(`SELECT next_run_time FROM schedules WHERE id = $1`, [id]);
    expect(await watermark(id)).toEqual(enabled.next_run_time);
  });

  it('records the ticks behind the watermark and older than the grace that nothing handled, once, with the reason', async () => {
    const id = await everyMinute('Missed while the queue was down');
    const now = new Date();
    const thisMinute = Math.floor(now.getTime() / MINUTE) * MINUTE;
    const first = new Date(thisMinute - 10 * MINUTE);
    await t.db.query(`UPDATE schedules SET first_unaccounted_tick = $2 WHERE id = $1`, [id, first]);
    // Of the ten minutes since, one ran (late) and one was skipped for an overlap: those stay as they are.
    expect((await tick(id, new Date(first.getTime() + 3 * MINUTE))).kind).toBe('started');
    await t.db.query(
      `INSERT INTO skipped_runs (id, schedule_id, scheduled_for, reason, recorded_at) VALUES (gen_random_uuid(), $1, $2, 'Execution x was still in progress', now())`,
      [id, new Date(first.getTime() + 5 * MINUTE)],
    );

    const report = await missed.record(now);
    const cutoff = now.getTime() - 60_000;
    const due = Array.from({ length: 11 }, (_, i) => first.getTime() + i * MINUTE).filter((ms) => ms <= cutoff);
    expect(report.recorded).toBe(due.length - 2);
    const skipped: { scheduled_for: Date; reason: string }[] = await t.db.query(`SELECT scheduled_for, reason FROM skipped_runs WHERE schedule_id = $1 ORDER BY scheduled_for`, [id]);
    const executions: { scheduled_for: Date }[] = await t.db.query(`SELECT scheduled_for FROM schedule_executions WHERE schedule_id = $1`, [id]);
    expect([...skipped.map((r) => r.scheduled_for.getTime()), ...executions.map((r) => r.scheduled_for.getTime())].sort()).toEqual(due);
    expect(skipped.filter((r) => r.reason === missedTickReason(60))).toHaveLength(due.length - 2);
    expect(skipped.find((r) => r.scheduled_for.getTime() === first.getTime() + 5 * MINUTE)!.reason).toBe('Execution x was still in progress');
    // The watermark now waits at the first tick still inside the grace.
    expect((await watermark(id))!.getTime()).toBe(due[due.length - 1] + MINUTE);
    expect((await metrics.registry.getSingleMetric('jim_skipped_ticks_total')!.get()).values.find((v) => v.labels.reason === 'missed')?.value).toBeGreaterThanOrEqual(due.length - 2);

    // A second pass finds nothing; a tick job that shows up after its time was recorded starts nothing.
    expect((await missed.record(now)).recorded).toBe(0);
    expect(await tick(id, new Date(first.getTime()))).toEqual({ kind: 'duplicate', executionId: null });
    expect(await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [id])).toEqual([{ n: 1 }]);
  });

  it('a late tick superseded by a later one that was already handled is only recorded; nothing starts twice', async () => {
    const id = await everyMinute('Superseded after the fact');
    const thisMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const late = new Date(thisMinute - 2 * MINUTE);
    const latest = new Date(thisMinute - MINUTE);
    expect((await tick(id, latest)).kind).toBe('started');
    const trigger = compileCron('0 * * * * *', 'UTC');
    const outcome = await t.db.transaction((tx) =>
      startTicks(tx, [
        {
          scheduleId: id,
          nominal: late,
          check: () => ({ scheduledFor: latest, times: { nextRunTime: trigger.next(new Date()), followingTick: trigger.next(latest) }, superseded: [late], missed: null }),
        },
      ]),
    );
    expect(outcome).toEqual([{ kind: 'missed', reason: supersededReason(latest) }]);
    expect(await t.db.query(`SELECT scheduled_for, reason FROM skipped_runs WHERE schedule_id = $1`, [id])).toEqual([{ scheduled_for: late, reason: supersededReason(latest) }]);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [id])).toEqual([{ n: 1 }]);
  });

  it("uses each schedule's own catch-up window, plus its jitter, instead of the grace", async () => {
    const now = new Date();
    const thisMinute = Math.floor(now.getTime() / MINUTE) * MINUTE;
    const first = new Date(thisMinute - 10 * MINUTE);
    const windowed = async (name: string, policies: { catchUpWindowSeconds: number; jitterSeconds: number }) => {
      const id = await everyMinute(name);
      await t.db.query(`UPDATE schedules SET first_unaccounted_tick = $2, catch_up_window_seconds = $3, jitter_seconds = $4 WHERE id = $1`, [
        id,
        first,
        policies.catchUpWindowSeconds,
        policies.jitterSeconds,
      ]);
      return id;
    };
    const wide = await windowed('Wide catch-up window', { catchUpWindowSeconds: 3600, jitterSeconds: 0 });
    const narrow = await windowed('Narrow catch-up window', { catchUpWindowSeconds: 240, jitterSeconds: 0 });
    const jittered = await windowed('Narrow window with jitter', { catchUpWindowSeconds: 60, jitterSeconds: 180 });
    await missed.record(now);
    const recorded = async (id: string) =>
      (await t.db.query(`SELECT scheduled_for, reason FROM skipped_runs WHERE schedule_id = $1 ORDER BY scheduled_for`, [id])) as { scheduled_for: Date; reason: string }[];
    const dueBefore = (seconds: number) => Array.from({ length: 11 }, (_, i) => first.getTime() + i * MINUTE).filter((ms) => ms <= now.getTime() - seconds * 1000);
    expect(await recorded(wide)).toEqual([]);
    expect((await recorded(narrow)).map((r) => r.scheduled_for.getTime())).toEqual(dueBefore(240));
    expect((await recorded(narrow)).every((r) => r.reason === missedTickReason(240))).toBe(true);
    expect((await recorded(jittered)).map((r) => r.scheduled_for.getTime())).toEqual(dueBefore(240));
    expect((await recorded(jittered))[0].reason).toBe(missedTickReason(60));
  });

  it('leaves alone schedules whose ticks were handled in order: each one moves the watermark on', async () => {
    const id = await everyMinute('Handled in order');
    const thisMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const first = new Date(thisMinute - 5 * MINUTE);
    await t.db.query(`UPDATE schedules SET first_unaccounted_tick = $2 WHERE id = $1`, [id, first]);
    expect((await tick(id, first)).kind).toBe('started');
    // The next one overlaps the first (still in progress): a skipped run also accounts for its tick.
    expect((await tick(id, new Date(first.getTime() + MINUTE))).kind).toBe('skipped');
    expect((await watermark(id))!.getTime()).toBe(first.getTime() + 2 * MINUTE);
    await t.db.query(`UPDATE schedule_executions SET status = 'Complete', completed_at = now() WHERE schedule_id = $1`, [id]);
    for (let i = 2; i <= 5; i++) {
      expect((await tick(id, new Date(first.getTime() + i * MINUTE))).kind).toBe('started');
      await t.db.query(`UPDATE schedule_executions SET status = 'Complete', completed_at = now() WHERE schedule_id = $1`, [id]);
    }
    expect((await watermark(id))!.getTime()).toBe(thisMinute + MINUTE);
    const before = await t.db.query(`SELECT count(*)::int AS n FROM skipped_runs WHERE schedule_id = $1`, [id]);
    await missed.record(new Date(thisMinute + 30_000));
    expect(await t.db.query(`SELECT count(*)::int AS n FROM skipped_runs WHERE schedule_id = $1`, [id])).toEqual(before);
  });

  it('ignores schedules that no longer fire, whatever their watermark says', async () => {
    const id = await everyMinute('Switched to manual');
    await t.db.query(`UPDATE schedules SET first_unaccounted_tick = now() - interval '1 hour' WHERE id = $1`, [id]);
    await t.db.query(`ALTER TABLE schedules DISABLE TRIGGER schedules_restart_tick_watermark`);
    try {
      await t.db.query(`UPDATE schedules SET trigger_type = 'Manual', cron_expression = NULL WHERE id = $1`, [id]);
    } finally {
      await t.db.query(`ALTER TABLE schedules ENABLE TRIGGER schedules_restart_tick_watermark`);
    }
    await missed.record();
    expect(await t.db.query(`SELECT count(*)::int AS n FROM skipped_runs WHERE schedule_id = $1`, [id])).toEqual([{ n: 0 }]);
  });
});
