import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jitterDelayMs, replacedMessage, supersededReason } from '@jim/persistence';
import { createTestApp, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { exe, startWorkers } from './worker-harness';

const S = '/api/v1/schedules';

interface ExecutionRow {
  id: string;
  status: string;
  scheduled_for: Date;
  started_at: Date | null;
  completed_at: Date | null;
  error_message: string | null;
}

/** The schedule-level policies on real worker processes: overlap (two workers), jitter and catch-up. */
describe('Schedule policies (real worker processes)', () => {
  let t: TestApp;
  let workers: RunningProcess[];

  beforeAll(async () => {
    t = await createTestApp();
    workers = await startWorkers(t, 2);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  const executionsOf = (scheduleId: string): Promise<ExecutionRow[]> =>
    t.db.query(`SELECT id, status, scheduled_for, started_at, completed_at, error_message FROM schedule_executions WHERE schedule_id = $1 ORDER BY scheduled_for`, [scheduleId]);
  const skippedOf = (scheduleId: string): Promise<{ scheduled_for: Date; reason: string }[]> =>
    t.db.query(`SELECT scheduled_for, reason FROM skipped_runs WHERE schedule_id = $1 ORDER BY scheduled_for`, [scheduleId]);

  async function cronSchedule(name: string, cronExpression: string, steps: unknown[], policies: Record<string, unknown>): Promise<string> {
    const res = await t.api()
      .post(S)
      .send({ name, triggerType: 'Cron', patternType: 'Custom', cronExpression, isEnabled: true, steps, ...policies })
      .expect(201);
    return res.body.id;
  }

  /** When each schedule was disabled (see `settle`). */
  const disabledAt = new Map<string, number>();

  /** Disables the schedule and waits until none of its executions is active. */
  async function settle(scheduleId: string): Promise<void> {
    disabledAt.set(scheduleId, Date.now());
    await t.api().post(`${S}/${scheduleId}/disable`).expect(200);
    await waitFor(async () => (await executionsOf(scheduleId)).every((e) => ['Complete', 'Failed', 'Cancelled'].includes(e.status)), 60_000, 200);
  }

  /**
   * Every nominal time between the first and the last is an execution or a skipped run, exactly once. Only ticks due
   * a second or more before the schedule was disabled count: a tick decided after the disable (two workers may take
   * two consecutive ticks out of order) is stale and, by design, neither runs nor is recorded.
   */
  async function expectEveryTickAccountedOnce(scheduleId: string, everyMs: number): Promise<void> {
    const until = (disabledAt.get(scheduleId) ?? Infinity) - Math.max(everyMs, 1000);
    const all = [...(await executionsOf(scheduleId)).map((e) => e.scheduled_for.getTime()), ...(await skippedOf(scheduleId)).map((r) => r.scheduled_for.getTime())];
    expect(new Set(all).size).toBe(all.length);
    const times = all.filter((time) => time < until).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(1);
    expect((times[times.length - 1] - times[0]) / everyMs + 1).toBe(times.length);
  }

  /** Executions never overlap: each starts at or after the end of the one before it. */
  function expectOneAtATime(executions: ExecutionRow[]): void {
    const ran = executions.filter((e) => e.started_at).sort((a, b) => a.started_at!.getTime() - b.started_at!.getTime());
    for (let i = 1; i < ran.length; i++) expect(ran[i].started_at!.getTime()).toBeGreaterThanOrEqual(ran[i - 1].completed_at!.getTime());
  }

  it('BufferOne under a burst of ticks: one waits and starts when the running one ends, the others are skipped with the reason', async () => {
    const id = await cronSchedule('BufferOne burst', '* * * * * *', [exe(0, '/bin/sleep', '2')], { overlapPolicy: 'BufferOne' });
    await waitFor(async () => (await executionsOf(id)).filter((e) => e.status === 'Complete').length >= 3, 30_000, 200);
    await settle(id);
    const executions = await executionsOf(id);
    const skipped = await skippedOf(id);
    expect(executions.every((e) => e.status === 'Complete')).toBe(true);
    expectOneAtATime(executions);
    // The waiting one starts right as the running one ends (within the step completion and a queue hop).
    const ran = [...executions].sort((a, b) => a.started_at!.getTime() - b.started_at!.getTime());
    for (let i = 1; i < ran.length; i++) expect(ran[i].started_at!.getTime() - ran[i - 1].completed_at!.getTime()).toBeLessThan(1000);
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    for (const r of skipped) expect(r.reason).toMatch(/^Execution [0-9a-f-]{36} was already waiting for its turn \(overlap policy BufferOne holds one\)$/);
    await expectEveryTickAccountedOnce(id, 1000);
  });

  it('BufferAll: every tick waits and runs, in order, one at a time; none is skipped', async () => {
    const id = await cronSchedule('BufferAll', '* * * * * *', [exe(0, '/bin/sleep', '1.5')], { overlapPolicy: 'BufferAll' });
    await waitFor(async () => (await executionsOf(id)).length >= 4, 20_000, 200);
    await settle(id);
    const executions = await executionsOf(id);
    expect(await skippedOf(id)).toEqual([]);
    expect(executions.every((e) => e.status === 'Complete')).toBe(true);
    expectOneAtATime(executions);
    // In order of their nominal times.
    const starts = executions.map((e) => e.started_at!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    await expectEveryTickAccountedOnce(id, 1000);
  });

  it('AllowAll: ticks run alongside each other, none is skipped', async () => {
    const id = await cronSchedule('AllowAll', '* * * * * *', [exe(0, '/bin/sleep', '2.5')], { overlapPolicy: 'AllowAll' });
    await waitFor(async () => (await executionsOf(id)).length >= 4, 20_000, 200);
    await settle(id);
    const executions = await executionsOf(id);
    expect(await skippedOf(id)).toEqual([]);
    expect(executions.every((e) => e.status === 'Complete')).toBe(true);
    const overlapping = executions.filter((e, i) => i > 0 && e.started_at!.getTime() < executions[i - 1].completed_at!.getTime());
    expect(overlapping.length).toBeGreaterThanOrEqual(2);
    await expectEveryTickAccountedOnce(id, 1000);
  });

  it('CancelPrevious: the next tick cancels the running execution and kills its whole process tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jim-cancel-previous-'));
    const script = join(dir, 'tree.sh');
    // A parent shell with two children that would outlive it; each run appends their pids.
    writeFileSync(script, `sleep 60 & echo $! >> ${dir}/pids\nsh -c 'sleep 60' & echo $! >> ${dir}/pids\nwait\n`, { mode: 0o755 });
    const id = await cronSchedule('CancelPrevious', '*/3 * * * * *', [exe(0, '/bin/sh', script)], { overlapPolicy: 'CancelPrevious' });
    await waitFor(async () => (await executionsOf(id)).filter((e) => e.status === 'Cancelled').length >= 1, 20_000, 200);
    await t.api().post(`${S}/${id}/disable`).expect(200);
    const executions = await executionsOf(id);
    const [cancelled] = executions.filter((e) => e.status === 'Cancelled');
    const replacement = executions.find((e) => e.scheduled_for.getTime() > cancelled.scheduled_for.getTime())!;
    expect(cancelled.error_message).toBe(replacedMessage(replacement.id));
    // The worker running its step notices within about a second, kills the tree and records the step.
    const step = await waitFor(async () => {
      const [row] = await t.db.query(`SELECT status, error_message FROM schedule_execution_steps WHERE execution_id = $1`, [cancelled.id]);
      return row.status === 'Processing' ? undefined : row;
    }, 10_000);
    expect(step).toEqual({ status: 'Cancelled', error_message: 'Cancelled by user' });
    // The first run's processes (its first two pids) are all gone.
    const firstPids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').slice(0, 2).map(Number);
    await waitFor(async () => firstPids.every((pid) => !alive(pid)), 10_000, 100);
    expect(await skippedOf(id)).toEqual([]);
    // Clean up the run still going.
    const running = (await executionsOf(id)).filter((e) => e.status === 'InProgress');
    for (const e of running) await t.api().post(`/api/v1/schedule-executions/${e.id}/cancel`).expect(200);
    await settle(id);
  });

  it('jitter: each tick starts at its nominal time plus the delay fixed by (schedule, nominal time), once, with two workers', async () => {
    const id = await cronSchedule('Jittered', '*/4 * * * * *', [exe(0, '/bin/true')], { jitterSeconds: 3 });
    await waitFor(async () => (await executionsOf(id)).length >= 3, 30_000, 200);
    await settle(id);
    const executions = await executionsOf(id);
    for (const e of executions) {
      const delay = jitterDelayMs(id, e.scheduled_for, 3);
      const actual = e.started_at!.getTime() - e.scheduled_for.getTime();
      expect(actual).toBeGreaterThanOrEqual(delay);
      expect(actual).toBeLessThan(delay + 1000);
    }
    expect(new Set(executions.map((e) => e.started_at!.getTime() - e.scheduled_for.getTime())).size).toBeGreaterThan(1);
    await expectEveryTickAccountedOnce(id, 4000);
  });

  it('backfill: one execution per nominal time, run one after another in order across two workers; cancel stops the rest', async () => {
    const res = await t.api()
      .post(S)
      .send({ name: 'Backfilled', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * *', steps: [exe(0, '/bin/sleep', '0.3')] })
      .expect(201);
    const id = res.body.id;
    const backfill = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T06:00:00Z' }).expect(202);
    expect(backfill.body.count).toBe(6);
    const done = await waitFor(async () => {
      const progress = await t.api().get(`${S}/${id}/backfills/${backfill.body.backfillId}`).expect(200);
      return progress.body.status === 'Complete' ? progress.body : undefined;
    }, 30_000, 200);
    expect(done).toMatchObject({ complete: 6, failed: 0, cancelled: 0, queued: 0, inProgress: 0 });
    const executions = await executionsOf(id);
    expect(executions.map((e) => e.scheduled_for.toISOString())).toEqual([0, 1, 2, 3, 4, 5].map((h) => `2026-01-01T0${h}:00:00.000Z`));
    expectOneAtATime(executions);
    const starts = executions.map((e) => e.started_at!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));

    // A second backfill, cancelled while its first execution runs: the rest never start.
    await t.api().put(`${S}/${id}`).send({ name: 'Backfilled', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * *', steps: [exe(0, '/bin/sleep', '2')] }).expect(200);
    const second = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-02-01T00:00:00Z', endTime: '2026-02-01T05:00:00Z' }).expect(202);
    await waitFor(async () => (await t.db.query(`SELECT 1 FROM schedule_executions WHERE backfill_id = $1 AND status = 'InProgress'`, [second.body.backfillId])).length > 0, 10_000);
    await t.api().post(`${S}/${id}/backfills/${second.body.backfillId}/cancel`).expect(200);
    const ended = await waitFor(async () => {
      const progress = await t.api().get(`${S}/${id}/backfills/${second.body.backfillId}`).expect(200);
      return progress.body.inProgress === 0 ? progress.body : undefined;
    }, 15_000, 200);
    expect(ended).toMatchObject({ status: 'Cancelled', complete: 1, cancelled: 4, queued: 0 });
  });

  it('catch-up: after an outage only the latest late tick runs; the earlier ones are recorded as missed', async () => {
    await Promise.all(workers.map((w) => w.stop()));
    const id = await cronSchedule('Catch up', '* * * * * *', [exe(0, '/bin/true')], { catchUpWindowSeconds: 3600 });
    await new Promise((r) => setTimeout(r, 5000));
    const restarted = Date.now();
    workers = await startWorkers(t, 2);
    await waitFor(async () => (await executionsOf(id)).some((e) => e.scheduled_for.getTime() > restarted + 1000), 30_000, 200);
    await settle(id);
    const executions = await executionsOf(id);
    const skipped = await skippedOf(id);
    // The ticks of the outage were superseded by one late tick, which ran; nothing before it did.
    const [latest] = executions;
    expect(skipped.length).toBeGreaterThanOrEqual(4);
    expect(skipped.every((r) => r.scheduled_for.getTime() < latest.scheduled_for.getTime())).toBe(true);
    for (const r of skipped) expect(r.reason).toBe(supersededReason(latest.scheduled_for));
    expect(skipped[0].scheduled_for.getTime()).toBeLessThan(restarted - 2500);
    await expectEveryTickAccountedOnce(id, 1000);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
