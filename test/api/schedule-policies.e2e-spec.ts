import { STEP_QUEUE_TOKEN, stepJobId } from '@jim/queue';
import type { Queue } from 'bullmq';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const E = '/api/v1/schedule-executions';

/** The schedule fields of the overlap, catch-up and jitter policies, and manual runs under them (no worker here). */
describe('Schedule policies API', () => {
  let t: TestApp;
  let queue: Queue;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(STEP_QUEUE_TOKEN);
  });
  afterAll(() => t.close());

  const exe = { stepIndex: 0, stepType: 'Executable', name: 'Only', executablePath: '/bin/true' };
  async function createSchedule(extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
    const name = `Policies ${++counter}`;
    const res = await t.api().post(S).send({ name, triggerType: 'Manual', steps: [exe], ...extra }).expect(201);
    return { id: res.body.id, name };
  }
  const status = async (id: string): Promise<string> => (await t.db.query(`SELECT status FROM schedule_executions WHERE id = $1`, [id]))[0].status;

  describe('fields', () => {
    it('defaults: Skip, the workers’ catch-up window (null), no jitter — in the response and the change history', async () => {
      const created = await t.api().post(S).send({ name: `Defaults ${++counter}` }).expect(201);
      expect(created.body).toMatchObject({ overlapPolicy: 'Skip', catchUpWindowSeconds: null, jitterSeconds: 0 });
      const history = await t.api().get(`${S}/${created.body.id}/change-history/1`).expect(200);
      expect(history.body.snapshot).toMatchObject({ overlapPolicy: 'Skip', catchUpWindowSeconds: null, jitterSeconds: 0 });
    });

    it('stores the fields as sent, returns them on GET and in the list, and records a change in the history', async () => {
      const policies = { overlapPolicy: 'BufferAll', catchUpWindowSeconds: 3600, jitterSeconds: 30 };
      const { id, name } = await createSchedule(policies);
      expect((await t.api().get(`${S}/${id}`).expect(200)).body).toMatchObject(policies);
      const list = await t.api().get(`${S}?search=${encodeURIComponent(name)}`).expect(200);
      expect(list.body.items[0]).toMatchObject(policies);
      await t.api().put(`${S}/${id}`).send({ name, triggerType: 'Manual', steps: [exe], overlapPolicy: 'CancelPrevious', catchUpWindowSeconds: 0, jitterSeconds: 0 }).expect(200);
      const compare = await t.api().get(`${S}/${id}/change-history/compare?fromVersion=1&toVersion=2`).expect(200);
      expect(compare.body.differences).toEqual(
        expect.arrayContaining([
          { path: 'overlapPolicy', from: 'BufferAll', to: 'CancelPrevious' },
          { path: 'catchUpWindowSeconds', from: 3600, to: 0 },
          { path: 'jitterSeconds', from: 30, to: 0 },
        ]),
      );
    });

    it.each([
      [{ overlapPolicy: 'Replace' }, 'overlapPolicy', 'must be one of Skip, BufferOne, BufferAll, CancelPrevious, AllowAll'],
      [{ overlapPolicy: 'skip' }, 'overlapPolicy', 'must be one of Skip, BufferOne, BufferAll, CancelPrevious, AllowAll'],
      [{ catchUpWindowSeconds: -1 }, 'catchUpWindowSeconds', 'must be at least 0'],
      [{ catchUpWindowSeconds: 86401 }, 'catchUpWindowSeconds', 'must be at most 86400 (24 hours)'],
      [{ catchUpWindowSeconds: 1.5 }, 'catchUpWindowSeconds', 'must be an integer'],
      [{ jitterSeconds: -1 }, 'jitterSeconds', 'must be at least 0'],
      [{ jitterSeconds: 3601 }, 'jitterSeconds', 'must be at most 3600 (1 hour)'],
      [{ jitterSeconds: '10' }, 'jitterSeconds', 'must be an integer'],
    ])('%j → 400 VALIDATION_ERROR on %s: %s', async (fields, field, message) => {
      const res = await t.api().post(S).send({ name: `Invalid ${++counter}`, ...fields }).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors[field]).toContain(message);
    });

    it('next-runs shows the nominal times and says the jitter', async () => {
      const cron = { triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 6 * * *' };
      const { id } = await createSchedule({ ...cron, jitterSeconds: 90 });
      const res = await t.api().get(`${S}/${id}/next-runs?count=2&after=2030-01-01T00:00:00Z`).expect(200);
      expect(res.body).toMatchObject({
        nextRuns: ['2030-01-01T06:00:00.000Z', '2030-01-02T06:00:00.000Z'],
        jitterSeconds: 90,
        jitterNote: 'Each run starts up to 90 s after the time shown (jitter), by a delay fixed per run; the execution records both times.',
      });
    });
  });

  describe('manual runs follow the overlap policy', () => {
    it('Skip: a second run while one is active is a 409 naming it; ?overlap=AllowAll starts it anyway', async () => {
      const { id, name } = await createSchedule();
      const first = (await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId;
      const refused = await t.api().post(`${S}/${id}/run`).expect(409);
      expectErrorBody(refused.body, 'CONFLICT');
      expect(refused.body.message).toBe(
        `Schedule '${name}' was not run: Execution ${first} was still in progress. Its overlap policy does not start another execution now; add ?overlap=AllowAll to run it anyway.`,
      );
      const forced = await t.api().post(`${S}/${id}/run?overlap=AllowAll`).expect(202);
      expect(forced.body).toMatchObject({ status: 'InProgress', cancelledExecutionIds: [] });
      expect(await status(first)).toBe('InProgress');
    });

    it.each(['Skip', 'BufferOne', 'allowall'])('?overlap=%s → 400 VALIDATION_ERROR on overlap', async (value) => {
      const { id } = await createSchedule();
      const res = await t.api().post(`${S}/${id}/run?overlap=${value}`).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors.overlap).toEqual(["must be AllowAll (the only override of the schedule's overlap policy)"]);
    });

    it('BufferOne: one run waits (Queued, steps Pending, no job), a third is a 409; cancelling the running one starts the waiting one', async () => {
      const { id } = await createSchedule({ overlapPolicy: 'BufferOne' });
      const first = (await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId;
      const second = await t.api().post(`${S}/${id}/run`).expect(202);
      expect(second.body).toMatchObject({ status: 'Queued', message: expect.stringContaining(`starts when execution ${first} has ended`) });
      const waiting = second.body.executionId;
      const [step] = await t.db.query(`SELECT id, status FROM schedule_execution_steps WHERE execution_id = $1`, [waiting]);
      expect(step.status).toBe('Pending');
      expect(await queue.getJob(stepJobId(step.id))).toBeUndefined();
      expect((await t.api().get(`${E}/${waiting}`).expect(200)).body).toMatchObject({ status: 'Queued', startedAt: null });
      expectErrorBody((await t.api().post(`${S}/${id}/run`).expect(409)).body, 'CONFLICT');

      await t.api().post(`${E}/${first}/cancel`).expect(200);
      expect(await status(waiting)).toBe('InProgress');
      const [promoted] = await t.db.query(`SELECT id, status FROM schedule_execution_steps WHERE execution_id = $1`, [waiting]);
      expect(promoted.status).toBe('Queued');
      expect(await queue.getJob(stepJobId(promoted.id))).toBeDefined();
    });

    it('a waiting run can itself be cancelled; it never starts', async () => {
      const { id } = await createSchedule({ overlapPolicy: 'BufferAll' });
      const first = (await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId;
      const waiting = (await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId;
      const third = (await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId;
      await t.api().post(`${E}/${waiting}/cancel`).expect(200);
      expect([await status(first), await status(waiting), await status(third)]).toEqual(['InProgress', 'Cancelled', 'Queued']);
      await t.api().post(`${E}/${first}/cancel`).expect(200);
      expect(await status(third)).toBe('InProgress');
    });

    it('CancelPrevious: the active execution is cancelled and the new one starts', async () => {
      const { id } = await createSchedule({ overlapPolicy: 'CancelPrevious' });
      const first = (await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId;
      const second = await t.api().post(`${S}/${id}/run`).expect(202);
      expect(second.body).toMatchObject({ status: 'InProgress', cancelledExecutionIds: [first] });
      expect(await status(first)).toBe('Cancelled');
      const [row] = await t.db.query(`SELECT error_message FROM schedule_executions WHERE id = $1`, [first]);
      expect(row.error_message).toBe(`Cancelled: execution ${second.body.executionId} replaced it (overlap policy CancelPrevious)`);
      expect(await status(second.body.executionId)).toBe('InProgress');
    });

    it('AllowAll: runs start alongside each other', async () => {
      const { id } = await createSchedule({ overlapPolicy: 'AllowAll' });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push((await t.api().post(`${S}/${id}/run`).expect(202)).body.executionId);
      expect(await Promise.all(runs.map(status))).toEqual(['InProgress', 'InProgress', 'InProgress']);
    });
  });
});
