import { STEP_QUEUE_TOKEN, stepJobId } from '@jim/queue';
import type { Queue } from 'bullmq';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const UNKNOWN = '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1';

/** POST /schedules/{id}/backfill, its progress and its cancellation (no worker here: executions stay where they are put). */
describe('Backfills API', () => {
  let t: TestApp;
  let queue: Queue;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(STEP_QUEUE_TOKEN);
  });
  afterAll(() => t.close());

  const exe = { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' };
  async function hourly(extra: Record<string, unknown> = {}): Promise<string> {
    const res = await t.api()
      .post(S)
      .send({ name: `Backfilled ${++counter}`, triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * *', steps: [exe], ...extra })
      .expect(201);
    return res.body.id;
  }
  const executions = (backfillId: string): Promise<{ id: string; status: string; trigger_kind: string; scheduled_for: Date; started_at: Date | null }[]> =>
    t.db.query(`SELECT id, status, trigger_kind, scheduled_for, started_at FROM schedule_executions WHERE backfill_id = $1 ORDER BY scheduled_for`, [backfillId]);

  it('creates one execution per nominal fire time in [start, end), trigger kind Backfill; by default the first starts, the rest wait', async () => {
    const id = await hourly();
    const res = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T05:00:00Z' }).expect(202);
    expect(res.body).toEqual({
      backfillId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      scheduleId: id,
      count: 5,
      startTime: '2026-01-01T00:00:00.000Z',
      endTime: '2026-01-01T05:00:00.000Z',
      overlapPolicy: 'BufferAll',
    });
    const rows = await executions(res.body.backfillId);
    expect(rows.map((r) => r.scheduled_for.toISOString())).toEqual([0, 1, 2, 3, 4].map((h) => `2026-01-01T0${h}:00:00.000Z`));
    expect(rows.every((r) => r.trigger_kind === 'Backfill')).toBe(true);
    expect(rows.map((r) => r.status)).toEqual(['InProgress', 'Queued', 'Queued', 'Queued', 'Queued']);
    const [step] = await t.db.query(`SELECT id FROM schedule_execution_steps WHERE execution_id = $1`, [rows[0].id]);
    expect(await queue.getJob(stepJobId(step.id))).toBeDefined();

    const progress = await t.api().get(`${S}/${id}/backfills/${res.body.backfillId}`).expect(200);
    expect(progress.body).toMatchObject({ status: 'Running', count: 5, queued: 4, inProgress: 1, complete: 0, failed: 0, cancelled: 0, cancelledAt: null });
    expect(progress.body.executions[0]).toEqual({ id: rows[0].id, scheduledFor: '2026-01-01T00:00:00.000Z', status: 'InProgress' });
    const execution = await t.api().get(`/api/v1/schedule-executions/${rows[0].id}`).expect(200);
    expect(execution.body).toMatchObject({ triggerKind: 'Backfill', scheduledFor: '2026-01-01T00:00:00.000Z' });
  });

  it('counts a start on a fire time in, and the end out; works on a disabled schedule; the ticks of the schedule are not affected', async () => {
    const id = await hourly({ isEnabled: false });
    const res = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:30:00+01:00', endTime: '2026-01-01T02:00:00Z' }).expect(202);
    // 00:30+01:00 is 23:30Z: fire times 00:00Z and 01:00Z; 02:00Z is excluded.
    expect(res.body.count).toBe(2);
  });

  it('AllowAll starts every execution at once', async () => {
    const id = await hourly();
    const res = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T03:00:00Z', overlapPolicy: 'AllowAll' }).expect(202);
    expect((await executions(res.body.backfillId)).map((r) => r.status)).toEqual(['InProgress', 'InProgress', 'InProgress']);
  });

  it('cancel stops the rest: the waiting executions are cancelled, the running one goes on; a second cancel after they end is refused', async () => {
    const id = await hourly();
    const { backfillId } = (await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T04:00:00Z' }).expect(202)).body;
    const cancelled = await t.api().post(`${S}/${id}/backfills/${backfillId}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'Cancelled', inProgress: 1, cancelled: 3, queued: 0, cancelledAt: expect.any(String) });
    const [running] = (await executions(backfillId)).filter((r) => r.status === 'InProgress');
    await t.api().post(`/api/v1/schedule-executions/${running.id}/cancel`).expect(200);
    const again = await t.api().post(`${S}/${id}/backfills/${backfillId}/cancel`).expect(400);
    expectErrorBody(again.body, 'BAD_REQUEST');
    expect(again.body.message).toBe('Cannot cancel a backfill whose executions have all finished');
  });

  it('more than 1,000 fire times is a 400 that says how many', async () => {
    const id = await hourly();
    const res = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:00:00Z', endTime: '2026-03-01T00:00:00Z' }).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors.endTime).toEqual(['the range holds 1,416 fire times; a backfill takes at most 1,000: split the range']);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [id])).toEqual([{ n: 0 }]);
  });

  it('exactly 1,000 fire times is accepted', async () => {
    const id = await hourly();
    const res = await t.api().post(`${S}/${id}/backfill`).send({ startTime: '2026-01-01T00:00:00Z', endTime: '2026-02-11T16:00:00Z', overlapPolicy: 'BufferAll' }).expect(202);
    expect(res.body.count).toBe(1000);
  });

  it.each([
    [{ startTime: '2026-01-01T00:00:00Z' }, 'endTime', 'must be an RFC 3339 date and time (e.g. 2026-07-13T06:00:00Z)'],
    [{ startTime: 'yesterday', endTime: '2026-01-02T00:00:00Z' }, 'startTime', 'must be an RFC 3339 date and time with an offset (e.g. 2026-07-13T06:00:00Z)'],
    [{ startTime: '2026-01-01T00:00:00', endTime: '2026-01-02T00:00:00Z' }, 'startTime', 'must include a UTC offset: Z or ±hh:mm (e.g. 2026-07-13T06:00:00Z); a time without one is ambiguous'],
    [{ startTime: '2026-01-02T00:00:00Z', endTime: '2026-01-01T00:00:00Z' }, 'endTime', 'must be after startTime'],
    [{ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T00:00:00Z' }, 'endTime', 'must be after startTime'],
    [{ startTime: '2026-01-01T00:10:00Z', endTime: '2026-01-01T00:50:00Z' }, 'endTime', 'the range [startTime, endTime) holds no fire time of the schedule'],
    [{ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-02T00:00:00Z', overlapPolicy: 'Skip' }, 'overlapPolicy', 'must be one of BufferAll, AllowAll (a backfill runs one after another, or all at once)'],
    [{ startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-02T00:00:00Z', extra: 1 }, 'extra', 'is not a known property'],
  ])('%j → 400 VALIDATION_ERROR on %s', async (body, field, message) => {
    const id = await hourly();
    const res = await t.api().post(`${S}/${id}/backfill`).send(body).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors[field]).toEqual([message]);
  });

  it('refuses a Manual schedule and a schedule without steps (400), an unknown schedule or backfill (404)', async () => {
    const range = { startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-02T00:00:00Z' };
    const manual = (await t.api().post(S).send({ name: `Manual ${++counter}`, steps: [exe] }).expect(201)).body;
    const noTrigger = await t.api().post(`${S}/${manual.id}/backfill`).send(range).expect(400);
    expectErrorBody(noTrigger.body, 'BAD_REQUEST');
    expect(noTrigger.body.message).toBe(`Cannot backfill schedule '${manual.name}': it has no cron trigger, so no fire times`);
    const empty = await hourly({ steps: [] });
    expect((await t.api().post(`${S}/${empty}/backfill`).send(range).expect(400)).body.message).toBe('Cannot backfill a schedule with no steps');
    expectErrorBody((await t.api().post(`${S}/${UNKNOWN}/backfill`).send(range).expect(404)).body, 'NOT_FOUND');
    const id = await hourly();
    expect((await t.api().get(`${S}/${id}/backfills/${UNKNOWN}`).expect(404)).body.message).toBe(`Backfill not found: ${UNKNOWN}`);
    expectErrorBody((await t.api().post(`${S}/${id}/backfills/${UNKNOWN}/cancel`).expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().get(`${S}/${id}/backfills/not-a-uuid`).expect(404)).body, 'NOT_FOUND');
  });
});
