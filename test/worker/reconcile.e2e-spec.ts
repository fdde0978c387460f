import { QueueKit, schedulerIdFor, TICK_JOB, TICK_QUEUE } from '@jim/queue';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker, waitFor, type RunningProcess } from '../support/processes';
import { exe, workerEnv } from './worker-harness';

const S = '/api/v1/schedules';
/** Yearly, far from now: nothing fires while the test runs. */
const YEARLY = (i: number) => ({ triggerType: 'Cron', patternType: 'Custom', cronExpression: `${i} 3 1 ${((new Date().getUTCMonth() + 6) % 12) + 1} *` });

describe('Reconcile over more schedules than one batch (real worker process, JIM_RECONCILE_BATCH_SIZE=2)', () => {
  let t: TestApp;
  let queue: Queue;
  let worker: RunningProcess | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get(QueueKit).queue(TICK_QUEUE);
  });
  afterAll(async () => {
    await worker?.stop();
    await queue.close();
    await t.close();
  });

  const stray = (id: string, pattern: string) => queue.upsertJobScheduler(id, { pattern, tz: 'UTC' }, { name: TICK_JOB, data: { scheduleId: id } });

  it('leaves exactly one job scheduler with the right pattern per schedule that fires, and removes every stray', async () => {
    const firing: string[] = [];
    for (let i = 0; i < 7; i++) {
      const s = await t.api().post(S).send({ name: `Yearly ${i}`, ...YEARLY(i), isEnabled: true, steps: [exe(0, '/bin/true')] }).expect(201);
      firing.push(s.body.id);
    }
    const disabled = await t.api().post(S).send({ name: 'Disabled', ...YEARLY(8), isEnabled: false, steps: [exe(0, '/bin/true')] }).expect(201);
    const manual = await t.api().post(S).send({ name: 'Manual', steps: [exe(0, '/bin/true')] }).expect(201);

    // Damage the queue while no worker runs: three schedulers missing, one with a wrong pattern, and strays for a
    // disabled schedule, a manual one, two unknown schedules and a malformed id; one scheduler not ours.
    for (const id of firing.slice(0, 3)) await queue.removeJobScheduler(schedulerIdFor(id));
    await stray(schedulerIdFor(firing[3]), '0 0 1 1 *');
    await stray(schedulerIdFor(disabled.body.id), '0 0 1 1 *');
    await stray(schedulerIdFor(manual.body.id), '0 0 1 1 *');
    await stray(schedulerIdFor(randomUUID()), '0 0 1 1 *');
    await stray(schedulerIdFor(randomUUID()), '0 0 2 1 *');
    await stray(schedulerIdFor('not-a-uuid'), '0 0 1 1 *');
    await stray('someone-else', '0 0 1 1 *');
    expect(await queue.getJobSchedulersCount()).toBe(4 + 5 + 1);

    worker = await startWorker(workerEnv(t, { JIM_RECONCILE_BATCH_SIZE: '2', JIM_WORKER_ROLES: 'firing' }));
    const report = await waitFor(async () => {
      const line = worker!.output().split('\n').find((l) => l.includes('"Reconciled job schedulers"'));
      return line ? JSON.parse(line) : undefined;
    }, 20_000);
    expect(report).toMatchObject({ checked: 7, upserted: 4, removed: 5 });

    const schedulers = await queue.getJobSchedulers(0, -1, true);
    expect(schedulers.map((s) => s.key).sort()).toEqual([...firing.map(schedulerIdFor), 'someone-else'].sort());
    const rows: { id: string; cron_expression: string; time_zone: string }[] = await t.db.query(
      `SELECT id, cron_expression, time_zone FROM schedules WHERE id = ANY($1::uuid[])`,
      [firing],
    );
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      const scheduler = schedulers.find((s) => s.key === schedulerIdFor(row.id))!;
      expect(scheduler.pattern).toBe(row.cron_expression);
      expect(scheduler.tz ?? 'UTC').toBe(row.time_zone);
    }
  });
});
