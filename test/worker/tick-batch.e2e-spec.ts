import { JobSchedulerSync, QueueKit, STEP_QUEUE, StepQueues, TICK_QUEUE, stepJobId } from '@jim/queue';
import type { Queue } from 'bullmq';
import { StepDispatcher } from '../../apps/worker/src/engine/step-dispatcher';
import { TickService } from '../../apps/worker/src/firing/tick.service';
import { WorkerMetrics } from '../../apps/worker/src/observability/worker-metrics';
import { createTestApp, REDIS_URL, type TestApp } from '../support/test-app';
import { exe } from './worker-harness';

const S = '/api/v1/schedules';
const MINUTE = 60_000;

/** The worker's tick path in this process, on the real database and queue (no worker consumes the step queue). */
describe('Ticks due together share one transaction', () => {
  let t: TestApp;
  let kit: QueueKit;
  let stepQueue: Queue;
  let tickQueue: Queue;
  let ticks: TickService;

  beforeAll(async () => {
    t = await createTestApp();
    kit = new QueueKit({ backend: t.config.queueBackend, redisUrl: REDIS_URL, databaseUrl: t.databaseUrl, prefix: t.config.queuePrefix });
    stepQueue = kit.queue(STEP_QUEUE);
    tickQueue = kit.tickQueue(TICK_QUEUE);
    ticks = new TickService(t.db, new StepDispatcher(new StepQueues([stepQueue])), new JobSchedulerSync(tickQueue), new WorkerMetrics(), t.config);
  });
  afterAll(async () => {
    await stepQueue.obliterate({ force: true }).catch(() => undefined);
    await tickQueue.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([stepQueue.close(), tickQueue.close()]);
    await t.close();
  });

  async function schedule(name: string, steps: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
    const res = await t.api()
      .post(S)
      .send({ name, triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * * *', isEnabled: true, steps, ...extra })
      .expect(201);
    return res.body.id;
  }

  it('decides each tick of a batch on its own: started, overlap, no steps, stale, deleted, duplicate', async () => {
    // The minute's tick must still be the latest one due when the batch fires: a later tick due by then would be the
    // one a late start runs (catch-up), so start early enough in a minute to create the schedules within it.
    const left = MINUTE - (Date.now() % MINUTE);
    if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const nominal = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => schedule(`Batch ${i}`, [exe(0, '/bin/true'), exe(1, '/bin/true'), exe(1, '/bin/echo', 'b')])));
    const busy = await schedule('Busy', [exe(0, '/bin/true')]);
    const running = (await t.api().post(`${S}/${busy}/run`).expect(202)).body.executionId;
    const empty = await schedule('No steps', []);
    const disabled = await schedule('Disabled', [exe(0, '/bin/true')]);
    await t.api().post(`${S}/${disabled}/disable`).expect(200);
    const deleted = await schedule('Deleted', [exe(0, '/bin/true')]);
    await t.api().delete(`${S}/${deleted}`).expect(204);

    const all = [...ids, busy, empty, disabled, deleted];
    const outcomes = await Promise.all(all.map((id) => ticks.fire(id, nominal)));
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.slice(0, 30)).toEqual(Array(30).fill('started'));
    expect(kinds.slice(30)).toEqual(['skipped', 'no-steps', 'stale', 'stale']);
    expect(outcomes[30]).toMatchObject({ reason: `Execution ${running} was still in progress`, activeExecutionId: running });

    // Each started execution has its own snapshot and its first group (one step) queued under its deterministic id.
    const rows: { schedule_id: string; steps: number; groups: number; first: number }[] = await t.db.query(
      `SELECT e.schedule_id, count(st.*)::int AS steps, count(DISTINCT st.step_index)::int AS groups,
              count(*) FILTER (WHERE st.status = 'Queued')::int AS first
       FROM schedule_executions e JOIN schedule_execution_steps st ON st.execution_id = e.id
       WHERE e.scheduled_for = $1 GROUP BY e.schedule_id`,
      [nominal],
    );
    expect(rows).toHaveLength(30);
    expect(rows.filter((r) => !(r.steps === 3 && r.groups === 2 && r.first === 1))).toEqual([]);
    for (const o of outcomes.slice(0, 30)) {
      if (o.kind !== 'started') throw new Error('not started');
      expect(o.firstGroupStepIds).toHaveLength(1);
      expect(await stepQueue.getJob(stepJobId(o.firstGroupStepIds[0]))).toBeDefined();
    }
    const skipped: { schedule_id: string; reason: string }[] = await t.db.query(`SELECT schedule_id, reason FROM skipped_runs WHERE scheduled_for = $1 ORDER BY reason`, [nominal]);
    expect(skipped).toEqual([
      { schedule_id: busy, reason: `Execution ${running} was still in progress` },
      { schedule_id: empty, reason: 'The schedule has no steps' },
    ]);
    const [times] = await t.db.query(`SELECT next_run_time, last_run_time FROM schedules WHERE id = $1`, [ids[0]]);
    expect(times.next_run_time.getTime()).toBeGreaterThan(Date.now());
    expect(times.last_run_time).not.toBeNull();

    // The same ticks again, twice in one turn: one execution each, whatever arrives twice.
    const again = await Promise.all([...all, ...ids].map((id) => ticks.fire(id, nominal)));
    expect(again.slice(0, 30).filter((o) => o.kind !== 'duplicate')).toEqual([]);
    expect(again.slice(30, 32).map((o) => o.kind)).toEqual(['duplicate', 'duplicate']);
    expect(again.slice(34).filter((o) => o.kind !== 'duplicate')).toEqual([]);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE scheduled_for = $1`, [nominal]);
    expect(n).toBe(30);
  });

  it('retries a failing batch tick by tick, so one bad tick fails alone', async () => {
    const nominal = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE);
    const good = await Promise.all([schedule('Good 1', [exe(0, '/bin/true')]), schedule('Good 2', [exe(0, '/bin/true')])]);
    const bad = await schedule('Unreadable trigger', [exe(0, '/bin/true')]);
    // A stored trigger the trigger library cannot read (written around the API): its check throws.
    await t.db.query(`UPDATE schedules SET cron_expression = 'not a pattern' WHERE id = $1`, [bad]);
    const results = await Promise.allSettled([good[0], bad, good[1]].map((id) => ticks.fire(id, nominal)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<{ kind: string }>).value.kind).toBe('started');
    expect((results[2] as PromiseFulfilledResult<{ kind: string }>).value.kind).toBe('started');
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [bad]);
    expect(n).toBe(0);
  });
});
