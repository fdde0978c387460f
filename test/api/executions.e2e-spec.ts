import { recordSkippedRun } from '@jim/persistence';
import { STEP_JOB, STEP_QUEUE_TOKEN, stepJobId } from '@jim/queue';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const CS = '/api/v1/synchronisation/connected-systems';
const S = '/api/v1/schedules';
const E = '/api/v1/schedule-executions';
const UNKNOWN = '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const EXECUTION_KEYS = [
  'completedAt',
  'currentStepIndex',
  'errorMessage',
  'id',
  'initiatedById',
  'initiatedByName',
  'initiatedByType',
  'queuedAt',
  'scheduleId',
  'scheduleName',
  'scheduledFor',
  'startedAt',
  'status',
  'totalSteps',
  'triggerKind',
];
const STEP_KEYS = [
  'activityId',
  'activityStatus',
  'progress',
  'arguments',
  'completedAt',
  'connectedSystemId',
  'connectedSystemName',
  'continueOnFailure',
  'errorMessage',
  'executablePath',
  'executionMode',
  'exitCode',
  'groupOrdinal',
  'id',
  'name',
  'runProfileId',
  'runProfileName',
  'scriptPath',
  'sqlScriptPath',
  'startedAt',
  'status',
  'stderrTail',
  'stdoutTail',
  'stepId',
  'stepIndex',
  'stepType',
  'timeoutSeconds',
  'maxAttempts',
  'retryDelaySeconds',
  'retryOnTimeout',
  'attempt',
  'nextAttemptAt',
  'attempts',
  'waitingFor',
];

interface StepRow {
  id: string;
  name: string;
  status: string;
  step_index: number;
  group_ordinal: number;
}

describe('Schedule executions API', () => {
  let t: TestApp;
  let queue: Queue;
  let systemId: number;
  let profileId: number;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(STEP_QUEUE_TOKEN);
    systemId = (await t.api().post(CS).send({ name: 'HR' }).expect(201)).body.id;
    profileId = (await t.api().post(`${CS}/${systemId}/run-profiles`).send({ name: 'Full Import', runType: 'FullImport' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  let counter = 0;
  const exe = (stepIndex: number, name: string, extra: Record<string, unknown> = {}) => ({
    stepIndex,
    stepType: 'Executable',
    name,
    executablePath: '/bin/true',
    ...extra,
  });

  async function createSchedule(steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
    const name = `Schedule ${++counter}`;
    // AllowAll: these tests run a schedule again while its executions are still active (no worker runs them here).
    const res = await t.api().post(S).send({ name, triggerType: 'Manual', overlapPolicy: 'AllowAll', steps, ...extra }).expect(201);
    return { id: res.body.id, name };
  }

  /** Two parallel steps at index 0 (a run profile and an executable), then one step at index 3. */
  async function createParallelSchedule(extra: Record<string, unknown> = {}) {
    return createSchedule(
      [
        { stepIndex: 0, stepType: 'RunProfile', connectedSystemId: systemId, runProfileId: profileId },
        exe(0, 'Export files', { continueOnFailure: true, timeoutSeconds: 120, arguments: '--all' }),
        exe(3, 'Notify', { executablePath: '/bin/echo' }),
      ],
      extra,
    );
  }

  async function run(scheduleId: string): Promise<string> {
    const res = await t.api().post(`${S}/${scheduleId}/run`).expect(202);
    return res.body.executionId;
  }

  function stepRows(executionId: string): Promise<StepRow[]> {
    return t.db.query(
      `SELECT id, name, status, step_index, group_ordinal FROM schedule_execution_steps WHERE execution_id = $1 ORDER BY group_ordinal, position`,
      [executionId],
    );
  }

  describe('POST /schedules/:id/run', () => {
    it('starts an execution: 202, a snapshot of the steps, the first group queued as step jobs', async () => {
      const schedule = await createParallelSchedule();
      const before = Date.now();
      const res = await t.api().post(`${S}/${schedule.id}/run`).expect(202);
      expect(res.body).toEqual({
        executionId: expect.stringMatching(UUID),
        message: `Schedule '${schedule.name}' started successfully`,
        status: 'InProgress',
        cancelledExecutionIds: [],
      });
      const executionId = res.body.executionId;

      const [execution] = await t.db.query(`SELECT * FROM schedule_executions WHERE id = $1`, [executionId]);
      expect(execution).toMatchObject({
        schedule_id: schedule.id,
        schedule_name: schedule.name,
        status: 'InProgress',
        trigger_kind: 'Manual',
        scheduled_for: null,
        current_step_index: 0,
        total_steps: 2,
        initiated_by_type: 'ApiKey',
        initiated_by_name: 'Test administrator',
        completed_at: null,
        error_message: null,
      });
      expect(execution.initiated_by_id).toMatch(UUID);
      expect(execution.started_at.getTime()).toBeGreaterThanOrEqual(before - 1000);

      const steps = await stepRows(executionId);
      expect(steps.map(({ name, status, step_index, group_ordinal }) => ({ name, status, step_index, group_ordinal }))).toEqual([
        { name: 'HR - Full Import', status: 'Queued', step_index: 0, group_ordinal: 0 },
        { name: 'Export files', status: 'Queued', step_index: 0, group_ordinal: 0 },
        { name: 'Notify', status: 'Pending', step_index: 3, group_ordinal: 1 },
      ]);

      const detail = await t.api().get(`${S}/${schedule.id}`).expect(200);
      expect(new Date(detail.body.lastRunTime).getTime()).toBeGreaterThanOrEqual(before - 1000);

      for (const step of steps.slice(0, 2)) {
        const job = await queue.getJob(stepJobId(step.id));
        expect(job).toBeDefined();
        expect(job!.name).toBe(STEP_JOB);
        expect(job!.data).toEqual({ executionId, executionStepId: step.id });
      }
      expect(await queue.getJob(stepJobId(steps[2].id))).toBeUndefined();
    });

    it('runs a disabled schedule', async () => {
      const schedule = await createSchedule([exe(0, 'Only')], { isEnabled: false });
      expect((await t.api().get(`${S}/${schedule.id}`).expect(200)).body.isEnabled).toBe(false);
      const executionId = await run(schedule.id);
      const [row] = await t.db.query(`SELECT status FROM schedule_executions WHERE id = $1`, [executionId]);
      expect(row.status).toBe('InProgress');
    });

    it('starts a second run while the first is still in progress (overlap policy AllowAll)', async () => {
      const schedule = await createSchedule([exe(0, 'Only')]);
      const first = await run(schedule.id);
      const second = await run(schedule.id);
      expect(second).not.toBe(first);
      const rows = await t.db.query(`SELECT id, status FROM schedule_executions WHERE schedule_id = $1 ORDER BY queued_at`, [schedule.id]);
      expect(rows).toHaveLength(2);
      expect(rows.filter((r: { status: string }) => r.status !== 'InProgress')).toEqual([]);
    });

    it('answers 202 even when the step queue refuses the jobs; the steps stay queued for the sweeper', async () => {
      const schedule = await createSchedule([exe(0, 'Only')]);
      const spy = jest.spyOn(queue, 'addBulk').mockRejectedValueOnce(new Error('queue down'));
      try {
        const executionId = await run(schedule.id);
        const [step] = await stepRows(executionId);
        expect(step.status).toBe('Queued');
        expect(await queue.getJob(stepJobId(step.id))).toBeUndefined();
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses a schedule with no steps: 400 BAD_REQUEST', async () => {
      const schedule = await createSchedule([]);
      const res = await t.api().post(`${S}/${schedule.id}/run`).expect(400);
      expectErrorBody(res.body, 'BAD_REQUEST');
      expect(res.body.message).toBe('Cannot run a schedule with no steps');
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE schedule_id = $1`, [schedule.id]);
      expect(n).toBe(0);
    });

    it.each([UNKNOWN, 'not-a-uuid'])('404 for the unknown schedule %s', async (id) => {
      const res = await t.api().post(`${S}/${id}/run`).expect(404);
      expectErrorBody(res.body, 'NOT_FOUND');
      expect(res.body.message).toBe(`Schedule not found: ${id}`);
    });

    it('shows the latest execution in the schedules list', async () => {
      const schedule = await createParallelSchedule();
      await run(schedule.id);
      const latest = await run(schedule.id);
      const list = await t.api().get(`${S}?search=${encodeURIComponent(schedule.name)}`).expect(200);
      const item = list.body.items.find((s: { id: string }) => s.id === schedule.id);
      expect(item).toMatchObject({
        lastExecutionId: latest,
        lastExecutionStatus: 'InProgress',
        lastExecutionCurrentStepIndex: 0,
        lastExecutionTotalSteps: 2,
        lastExecutionCompletedAt: null,
        lastExecutionErrorMessage: null,
      });
      expect(item.lastRunTime).toMatch(ISO);
    });
  });

  describe('GET /schedule-executions/:id', () => {
    it('returns the execution, its steps and the progress of each group', async () => {
      const schedule = await createParallelSchedule();
      const executionId = await run(schedule.id);
      const res = await t.api().get(`${E}/${executionId}`).expect(200);

      expect(Object.keys(res.body).sort()).toEqual([...EXECUTION_KEYS, 'progress', 'steps'].sort());
      expect(res.body).toMatchObject({
        id: executionId,
        scheduleId: schedule.id,
        scheduleName: schedule.name,
        status: 'InProgress',
        triggerKind: 'Manual',
        scheduledFor: null,
        currentStepIndex: 0,
        totalSteps: 2,
        queuedAt: expect.stringMatching(ISO),
        startedAt: expect.stringMatching(ISO),
        completedAt: null,
        initiatedByType: 'ApiKey',
        initiatedById: expect.stringMatching(UUID),
        initiatedByName: 'Test administrator',
        errorMessage: null,
      });

      expect(res.body.steps).toHaveLength(3);
      for (const step of res.body.steps) expect(Object.keys(step).sort()).toEqual([...STEP_KEYS].sort());
      expect(res.body.steps[0]).toMatchObject({
        id: expect.stringMatching(UUID),
        stepId: expect.stringMatching(UUID),
        stepIndex: 0,
        groupOrdinal: 0,
        name: 'HR - Full Import',
        stepType: 'RunProfile',
        executionMode: 'Sequential',
        continueOnFailure: false,
        timeoutSeconds: null,
        connectedSystemId: systemId,
        connectedSystemName: 'HR',
        runProfileId: profileId,
        runProfileName: 'Full Import',
        status: 'Queued',
        startedAt: null,
        completedAt: null,
        exitCode: null,
        stdoutTail: null,
        stderrTail: null,
        errorMessage: null,
        activityId: null,
        activityStatus: null,
        progress: null,
      });
      expect(res.body.steps[1]).toMatchObject({
        stepIndex: 0,
        groupOrdinal: 0,
        name: 'Export files',
        stepType: 'Executable',
        executionMode: 'ParallelWithPrevious',
        continueOnFailure: true,
        timeoutSeconds: 120,
        executablePath: '/bin/true',
        arguments: '--all',
        connectedSystemId: null,
        runProfileName: null,
        status: 'Queued',
      });
      expect(res.body.steps[2]).toMatchObject({ stepIndex: 3, groupOrdinal: 1, name: 'Notify', executablePath: '/bin/echo', status: 'Pending' });

      expect(res.body.progress).toEqual({
        currentStepNumber: 1,
        totalSteps: 2,
        steps: [
          { stepIndex: 0, name: '2 in parallel', status: 'Queued', taskStatuses: ['Queued', 'Queued'], isParallel: true },
          { stepIndex: 3, name: 'Notify', status: 'Pending', taskStatuses: ['Pending'], isParallel: false },
        ],
      });
    });

    it('aggregates the statuses of a parallel group as the steps settle', async () => {
      const schedule = await createParallelSchedule();
      const executionId = await run(schedule.id);
      const [a, b] = await stepRows(executionId);
      const set = (id: string, status: string) => t.db.query(`UPDATE schedule_execution_steps SET status = $2 WHERE id = $1`, [id, status]);
      const firstGroup = async () => (await t.api().get(`${E}/${executionId}`).expect(200)).body.progress.steps[0];

      await set(a.id, 'Completed');
      expect(await firstGroup()).toMatchObject({ status: 'Processing', taskStatuses: ['Completed', 'Queued'] });
      await set(b.id, 'Processing');
      expect(await firstGroup()).toMatchObject({ status: 'Processing', taskStatuses: ['Completed', 'Processing'] });
      await set(b.id, 'CompletedWithWarning');
      expect(await firstGroup()).toMatchObject({ status: 'CompletedWithWarning', taskStatuses: ['CompletedWithWarning', 'Completed'] });
      await set(a.id, 'Failed');
      expect(await firstGroup()).toMatchObject({ status: 'Failed', taskStatuses: ['Failed', 'CompletedWithWarning'], isParallel: true });

      await t.db.query(`UPDATE schedule_executions SET status = 'Failed', completed_at = now() WHERE id = $1`, [executionId]);
      const res = await t.api().get(`${E}/${executionId}`).expect(200);
      expect(res.body.progress.currentStepNumber).toBeNull();
      expect(res.body.completedAt).toMatch(ISO);
    });

    it('counts the current group from 1 while the execution runs', async () => {
      const schedule = await createParallelSchedule();
      const executionId = await run(schedule.id);
      await t.db.query(`UPDATE schedule_executions SET current_step_index = 1 WHERE id = $1`, [executionId]);
      const res = await t.api().get(`${E}/${executionId}`).expect(200);
      expect(res.body.progress.currentStepNumber).toBe(2);
    });

    it('never exposes the connection string of a SQL step, not even masked', async () => {
      const secret = 'postgres://report:S3cretPassw0rd@db.example/warehouse';
      const schedule = await createSchedule([{ stepIndex: 0, stepType: 'SqlScript', name: 'Report', sqlConnectionString: secret, sqlScriptPath: '/scripts/report.sql' }]);
      const executionId = await run(schedule.id);
      const res = await t.api().get(`${E}/${executionId}`).expect(200);
      expect(res.body.steps[0]).toMatchObject({ stepType: 'SqlScript', sqlScriptPath: '/scripts/report.sql' });
      expect(res.body.steps[0]).not.toHaveProperty('sqlConnectionString');
      expect(res.text).not.toContain('S3cretPassw0rd');
      expect(res.text).not.toContain('db.example');
    });

    it.each([UNKNOWN, 'not-a-uuid'])('404 for the unknown execution %s', async (id) => {
      const res = await t.api().get(`${E}/${id}`).expect(404);
      expectErrorBody(res.body, 'NOT_FOUND');
      expect(res.body.message).toBe(`Schedule execution not found: ${id}`);
    });

    it('outlives its schedule: scheduleId becomes null, the name snapshot stays', async () => {
      const schedule = await createParallelSchedule();
      const executionId = await run(schedule.id);
      await t.api().delete(`${S}/${schedule.id}`).expect(204);
      const res = await t.api().get(`${E}/${executionId}`).expect(200);
      expect(res.body).toMatchObject({ id: executionId, scheduleId: null, scheduleName: schedule.name, totalSteps: 2 });
      expect(res.body.steps).toHaveLength(3);
      expect(res.body.progress.steps).toHaveLength(2);
      const list = await t.api().get(`${E}?pageSize=100`).expect(200);
      expect(list.body.items.find((e: { id: string }) => e.id === executionId)).toMatchObject({ scheduleId: null, scheduleName: schedule.name });
    });
  });

  describe('GET /schedule-executions', () => {
    let scheduleA: { id: string; name: string };
    let scheduleB: { id: string; name: string };
    let a1: string;
    let a2: string;
    let a3: string;
    let b1: string;

    beforeAll(async () => {
      scheduleA = await createSchedule([exe(0, 'One')]);
      scheduleB = await createSchedule([exe(0, 'One')]);
      a1 = await run(scheduleA.id);
      a2 = await run(scheduleA.id);
      a3 = await run(scheduleA.id);
      b1 = await run(scheduleB.id);
      const times = (id: string, queued: string, completed: string | null, status: string) =>
        t.db.query(`UPDATE schedule_executions SET queued_at = $2, started_at = $2, completed_at = $3, status = $4 WHERE id = $1`, [
          id,
          queued,
          completed,
          status,
        ]);
      await times(a1, '2030-01-01T10:00:00Z', '2030-01-01T12:00:00Z', 'Complete');
      await times(a2, '2030-01-01T11:00:00Z', '2030-01-01T11:30:00Z', 'Failed');
      await times(a3, '2030-01-01T09:00:00Z', null, 'InProgress');
    });

    const ids = (body: { items: { id: string }[] }) => body.items.map((e) => e.id);

    it('filters by schedule, newest queuedAt first by default, in the paged envelope', async () => {
      const res = await t.api().get(`${E}?scheduleId=${scheduleA.id}`).expect(200);
      expect(res.body).toMatchObject({ totalCount: 3, page: 1, pageSize: 20, totalPages: 1, hasNextPage: false, hasPreviousPage: false });
      expect(ids(res.body)).toEqual([a2, a1, a3]);
      for (const item of res.body.items) expect(Object.keys(item).sort()).toEqual(EXECUTION_KEYS);
      expect(res.body.items[1]).toMatchObject({
        scheduleId: scheduleA.id,
        scheduleName: scheduleA.name,
        status: 'Complete',
        triggerKind: 'Manual',
        queuedAt: '2030-01-01T10:00:00.000Z',
        completedAt: '2030-01-01T12:00:00.000Z',
      });
    });

    it('accepts an upper-case scheduleId', async () => {
      const res = await t.api().get(`${E}?scheduleId=${scheduleB.id.toUpperCase()}`).expect(200);
      expect(ids(res.body)).toEqual([b1]);
    });

    it('filters by status', async () => {
      const res = await t.api().get(`${E}?scheduleId=${scheduleA.id}&status=Failed`).expect(200);
      expect(ids(res.body)).toEqual([a2]);
      const all = await t.api().get(`${E}?status=Complete&pageSize=100`).expect(200);
      expect(all.body.items.filter((e: { status: string }) => e.status !== 'Complete')).toEqual([]);
      expect(ids(all.body)).toContain(a1);
    });

    it('sorts ascending on request and by the other keys, case-insensitively', async () => {
      const q = `${E}?scheduleId=${scheduleA.id}`;
      expect(ids((await t.api().get(`${q}&sortDescending=false`).expect(200)).body)).toEqual([a3, a1, a2]);
      expect(ids((await t.api().get(`${q}&sortBy=COMPLETEDAT&sortDescending=false`).expect(200)).body)).toEqual([a2, a1, a3]);
      expect(ids((await t.api().get(`${q}&sortBy=completedAt`).expect(200)).body)).toEqual([a1, a2, a3]);
      expect(ids((await t.api().get(`${q}&sortBy=startedAt&sortDescending=false`).expect(200)).body)).toEqual([a3, a1, a2]);
      // Lifecycle order: InProgress, Complete, Failed.
      expect(ids((await t.api().get(`${q}&sortBy=status&sortDescending=false`).expect(200)).body)).toEqual([a3, a1, a2]);
      expect(ids((await t.api().get(`${q}&sortBy=Status`).expect(200)).body)).toEqual([a2, a1, a3]);
    });

    it('pages, and clamps the page size to 100', async () => {
      const page2 = await t.api().get(`${E}?scheduleId=${scheduleA.id}&pageSize=2&page=2`).expect(200);
      expect(page2.body).toMatchObject({ totalCount: 3, page: 2, pageSize: 2, totalPages: 2, hasNextPage: false, hasPreviousPage: true });
      expect(ids(page2.body)).toEqual([a3]);
      const clamped = await t.api().get(`${E}?pageSize=500`).expect(200);
      expect(clamped.body.pageSize).toBe(100);
    });

    it.each([
      ['scheduleId=nope', 'scheduleId'],
      ['status=Completed', 'status'],
      ['status=Paused', 'status'],
      ['status=inprogress', 'status'],
      ['sortBy=name', 'sortBy'],
      ['sortDescending=yes', 'sortDescending'],
      ['page=0', 'page'],
      ['page=abc', 'page'],
      ['pageSize=0', 'pageSize'],
      ['colour=red', 'colour'],
    ])('?%s → 400 VALIDATION_ERROR on %s', async (query, field) => {
      const res = await t.api().get(`${E}?${query}`).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(Object.keys(res.body.validationErrors)).toEqual([field]);
    });
  });

  describe('GET /schedule-executions/active', () => {
    it('lists queued and in-progress executions only, oldest first, as a plain array', async () => {
      const schedule = await createSchedule([exe(0, 'One')]);
      const running = await run(schedule.id);
      const queued = await run(schedule.id);
      const done = await run(schedule.id);
      await t.db.query(`UPDATE schedule_executions SET status = 'Queued', queued_at = '2000-01-01T00:00:00Z' WHERE id = $1`, [queued]);
      await t.db.query(`UPDATE schedule_executions SET status = 'Complete', completed_at = now() WHERE id = $1`, [done]);

      const res = await t.api().get(`${E}/active`).expect(200);
      expect(Array.isArray(res.body)).toBe(true);
      const got: string[] = res.body.map((e: { id: string }) => e.id);
      expect(got).toContain(running);
      expect(got).not.toContain(done);
      expect(got[0]).toBe(queued);
      expect(got.indexOf(queued)).toBeLessThan(got.indexOf(running));
      for (const e of res.body) {
        expect(['Queued', 'InProgress']).toContain(e.status);
        expect(Object.keys(e).sort()).toEqual(EXECUTION_KEYS);
      }
      const times = res.body.map((e: { queuedAt: string }) => e.queuedAt);
      expect([...times].sort()).toEqual(times);
    });
  });

  describe('POST /schedule-executions/:id/cancel', () => {
    it('cancels an active execution and every step not yet started; a second cancel is refused', async () => {
      const schedule = await createParallelSchedule();
      const executionId = await run(schedule.id);
      const before = await stepRows(executionId);
      expect(await queue.getJob(stepJobId(before[0].id))).toBeDefined();

      const res = await t.api().post(`${E}/${executionId}/cancel`).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(EXECUTION_KEYS);
      expect(res.body).toMatchObject({
        id: executionId,
        scheduleId: schedule.id,
        status: 'Cancelled',
        errorMessage: 'Cancelled by user',
        completedAt: expect.stringMatching(ISO),
      });
      expect((await stepRows(executionId)).map((s) => s.status)).toEqual(['Cancelled', 'Cancelled', 'Cancelled']);
      for (const step of before) expect(await queue.getJob(stepJobId(step.id))).toBeUndefined();

      const detail = await t.api().get(`${E}/${executionId}`).expect(200);
      expect(detail.body.progress).toMatchObject({
        currentStepNumber: null,
        steps: [
          { status: 'Cancelled', taskStatuses: ['Cancelled', 'Cancelled'] },
          { status: 'Cancelled', taskStatuses: ['Cancelled'] },
        ],
      });

      const again = await t.api().post(`${E}/${executionId}/cancel`).expect(400);
      expectErrorBody(again.body, 'BAD_REQUEST');
      expect(again.body.message).toBe('Cannot cancel execution with status: Cancelled');
    });

    it('leaves a running step to its worker', async () => {
      const schedule = await createParallelSchedule();
      const executionId = await run(schedule.id);
      const [running] = await stepRows(executionId);
      await t.db.query(`UPDATE schedule_execution_steps SET status = 'Processing', started_at = now() WHERE id = $1`, [running.id]);
      await t.api().post(`${E}/${executionId}/cancel`).expect(200);
      expect((await stepRows(executionId)).map((s) => s.status)).toEqual(['Processing', 'Cancelled', 'Cancelled']);
    });

    it.each(['Complete', 'Failed'])('refuses a %s execution', async (status) => {
      const schedule = await createSchedule([exe(0, 'One')]);
      const executionId = await run(schedule.id);
      await t.db.query(`UPDATE schedule_executions SET status = $2, completed_at = now() WHERE id = $1`, [executionId, status]);
      const res = await t.api().post(`${E}/${executionId}/cancel`).expect(400);
      expectErrorBody(res.body, 'BAD_REQUEST');
      expect(res.body.message).toBe(`Cannot cancel execution with status: ${status}`);
      const [row] = await t.db.query(`SELECT status, error_message FROM schedule_executions WHERE id = $1`, [executionId]);
      expect(row).toEqual({ status, error_message: null });
    });

    it.each([UNKNOWN, 'not-a-uuid'])('404 for the unknown execution %s', async (id) => {
      const res = await t.api().post(`${E}/${id}/cancel`).expect(404);
      expectErrorBody(res.body, 'NOT_FOUND');
      expect(res.body.message).toBe(`Schedule execution not found: ${id}`);
    });
  });

  describe('GET /schedules/:id/skipped-runs', () => {
    it('lists the skipped runs of the schedule, newest scheduledFor first, paged', async () => {
      const schedule = await createSchedule([exe(0, 'One')]);
      const other = await createSchedule([exe(0, 'One')]);
      const active = await run(schedule.id);
      const reason = `Execution ${active} was still in progress`;
      await recordSkippedRun(t.db.manager, schedule.id, new Date('2030-01-01T10:00:00Z'), reason, active);
      await recordSkippedRun(t.db.manager, schedule.id, new Date('2030-01-01T12:00:00Z'), reason, active);
      await recordSkippedRun(t.db.manager, schedule.id, new Date('2030-01-01T11:00:00Z'), 'Other reason', null);
      await recordSkippedRun(t.db.manager, other.id, new Date('2030-01-01T13:00:00Z'), 'Not this one', null);

      const first = await t.api().get(`${S}/${schedule.id}/skipped-runs?pageSize=2`).expect(200);
      expect(first.body).toMatchObject({ totalCount: 3, page: 1, pageSize: 2, totalPages: 2, hasNextPage: true, hasPreviousPage: false });
      expect(first.body.items).toEqual([
        {
          id: expect.stringMatching(UUID),
          scheduleId: schedule.id,
          scheduledFor: '2030-01-01T12:00:00.000Z',
          reason,
          activeExecutionId: active,
          recordedAt: expect.stringMatching(ISO),
        },
        {
          id: expect.stringMatching(UUID),
          scheduleId: schedule.id,
          scheduledFor: '2030-01-01T11:00:00.000Z',
          reason: 'Other reason',
          activeExecutionId: null,
          recordedAt: expect.stringMatching(ISO),
        },
      ]);
      const second = await t.api().get(`${S}/${schedule.id}/skipped-runs?pageSize=2&page=2`).expect(200);
      expect(second.body).toMatchObject({ totalCount: 3, page: 2, hasNextPage: false, hasPreviousPage: true });
      expect(second.body.items.map((r: { scheduledFor: string }) => r.scheduledFor)).toEqual(['2030-01-01T10:00:00.000Z']);

      const defaults = await t.api().get(`${S}/${schedule.id}/skipped-runs`).expect(200);
      expect(defaults.body).toMatchObject({ totalCount: 3, page: 1, pageSize: 20 });
    });

    it('is empty for a schedule that never skipped a run', async () => {
      const schedule = await createSchedule([]);
      const res = await t.api().get(`${S}/${schedule.id}/skipped-runs?pageSize=1000`).expect(200);
      expect(res.body).toEqual({ items: [], totalCount: 0, page: 1, pageSize: 100, totalPages: 0, hasNextPage: false, hasPreviousPage: false });
    });

    it.each([UNKNOWN, 'not-a-uuid'])('404 for the unknown schedule %s', async (id) => {
      const res = await t.api().get(`${S}/${id}/skipped-runs`).expect(404);
      expectErrorBody(res.body, 'NOT_FOUND');
      expect(res.body.message).toBe(`Schedule not found: ${id}`);
    });

    it.each(['pageSize=0', 'page=-1', 'sortBy=scheduledFor'])('?%s → 400 VALIDATION_ERROR', async (query) => {
      const schedule = await createSchedule([]);
      const res = await t.api().get(`${S}/${schedule.id}/skipped-runs?${query}`).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
    });
  });

  describe('authentication and roles', () => {
    let userKey: string;
    beforeAll(async () => {
      userKey = (await createApiKey(t.db, { name: 'user', roles: ['User'] })).key;
    });

    const routes: [string, string][] = [
      ['post', `${S}/${UNKNOWN}/run`],
      ['get', `${S}/${UNKNOWN}/skipped-runs`],
      ['get', E],
      ['get', `${E}/active`],
      ['get', `${E}/${UNKNOWN}`],
      ['post', `${E}/${UNKNOWN}/cancel`],
    ];
    const send = (method: string, path: string) => (request(t.http) as unknown as Record<string, (p: string) => request.Test>)[method](path);

    it.each(routes)('%s %s: no key → 401 UNAUTHORISED', async (method, path) => {
      const res = await send(method, path);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'UNAUTHORISED');
    });

    it.each(routes)('%s %s: User role → 403 FORBIDDEN', async (method, path) => {
      const res = await send(method, path).set('X-API-Key', userKey);
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 'FORBIDDEN');
      expect(res.body.message).toBe('Insufficient permissions (Administrator role required)');
    });
  });
});
