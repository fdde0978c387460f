import { QueueKit } from '@jim/queue';
import { createTestApp, REDIS_URL, type TestApp } from '../support/test-app';
import { RunProfileEngine } from '../support/run-profile-engine';
import { waitFor, type RunningProcess } from '../support/processes';
import { JimDouble } from '../support/jim-double';
import { finished, runSteps, startWorkers } from './worker-harness';

interface StepRow {
  execution_id: string;
  name: string;
  status: string;
  started_at: Date | null;
  completed_at: Date | null;
  worker_id: string | null;
  activity_id: string | null;
}

const rp = (connectedSystemId: number, runProfileId: number, extra: Record<string, unknown> = {}) => ({
  stepIndex: 0,
  stepType: 'RunProfile',
  connectedSystemId,
  runProfileId,
  ...extra,
});

/** No two intervals overlap: each run ends before the next one (by start) begins. */
function expectNoOverlap(rows: StepRow[]): void {
  const runs = rows.filter((r) => r.started_at && r.completed_at).sort((a, b) => a.started_at!.getTime() - b.started_at!.getTime());
  for (let i = 1; i < runs.length; i++) expect(runs[i].started_at!.getTime()).toBeGreaterThanOrEqual(runs[i - 1].completed_at!.getTime());
}

/** One RunProfile step at a time per exclusive connected system, across schedules, manual runs and two workers. */
describe('Connected-system exclusivity (two real workers, JIM double)', () => {
  let t: TestApp;
  let jim: JimDouble;
  let workers: RunningProcess[];
  const jimEnv = () => ({ JIM_SYNC_URL: jim.url, JIM_SYNC_API_KEY: jim.apiKey, JIM_SYNC_POLL_SECONDS: '1' });

  const detail = async (id: string) => (await t.api().get(`/api/v1/schedule-executions/${id}`).expect(200)).body;
  const stepOf = async (id: string) => (await detail(id)).steps[0];
  const untilStatus = (id: string, status: string) => waitFor(async () => ((await stepOf(id)).status === status ? stepOf(id) : undefined), 30_000);
  const rowsOf = (ids: string[]): Promise<StepRow[]> =>
    t.db.query(
      `SELECT execution_id, name, status, started_at, completed_at, worker_id, activity_id FROM schedule_execution_steps WHERE execution_id = ANY($1::uuid[])`,
      [ids],
    );

  beforeAll(async () => {
    jim = new JimDouble({ tickMs: 100 });
    jim.systems.push({ id: 3, name: 'Payroll', runProfiles: [{ id: 31, name: 'Full Import', runType: 'FullImport' }, { id: 32, name: 'Export', runType: 'Export' }] });
    await jim.start();
    t = await createTestApp();
    for (const system of jim.systems) {
      await t.db.query(`INSERT INTO connected_systems (id, name, created) VALUES ($1, $2, now())`, [system.id, system.name]);
      for (const profile of system.runProfiles) {
        await t.db.query(`INSERT INTO run_profiles (id, connected_system_id, name, run_type, created) VALUES ($1, $2, $3, $4, now())`, [
          profile.id,
          system.id,
          profile.name,
          profile.runType,
        ]);
      }
    }
    workers = await startWorkers(t, 2, jimEnv());
  });
  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await t?.close();
    await jim?.stop();
  });

  it('lines up the steps of several schedules in FIFO order, shows who holds the system, and never overlaps them', async () => {
    jim.setBehaviour(31, { steps: 10 });
    jim.setBehaviour(32, { steps: 2 });
    const first = await runSteps(t, 'Payroll import', [rp(3, 31)]);
    await untilStatus(first, 'Processing');
    const waiting: string[] = [];
    for (const [i, profile] of [32, 31, 32].entries()) {
      const id = await runSteps(t, `Payroll waiter ${i}`, [rp(3, profile)]);
      await untilStatus(id, 'WaitingForResource');
      waiting.push(id);
    }
    for (const [i, id] of waiting.entries()) {
      const step = await stepOf(id);
      expect(step).toMatchObject({ status: 'WaitingForResource', startedAt: null, waitingFor: { connectedSystemId: 3, heldByExecutionId: first, placeInLine: i + 1 } });
    }
    for (const id of [first, ...waiting]) expect((await finished(t, id, 60_000)).status).toBe('Complete');
    const rows = await rowsOf([first, ...waiting]);
    expectNoOverlap(rows);
    const order = rows.sort((a, b) => a.started_at!.getTime() - b.started_at!.getTime()).map((r) => r.execution_id);
    expect(order).toEqual([first, ...waiting]);
    // JIM's own record agrees: each activity ended before the next was created.
    const activities = rows.map((r) => jim.activity(r.activity_id!)!);
    for (let i = 1; i < activities.length; i++) expect(Date.parse(activities[i].created)).toBeGreaterThanOrEqual(Date.parse(activities[i - 1].ended!));
  });

  it('runs parallel steps of one execution on the same system one after the other, and side by side once not exclusive', async () => {
    jim.setBehaviour(31, { steps: 4 });
    jim.setBehaviour(32, { steps: 4 });
    const serial = await runSteps(t, 'Parallel on one system', [rp(3, 31), rp(3, 32)]);
    expect((await finished(t, serial, 60_000)).status).toBe('Complete');
    expectNoOverlap(await rowsOf([serial]));

    const changed = await t.api().patch('/api/v1/synchronisation/connected-systems/3').send({ exclusive: false, changeReason: 'JIM runs these side by side' }).expect(200);
    expect(changed.body).toMatchObject({ id: 3, exclusive: false });
    try {
      const parallel = await runSteps(t, 'Parallel, not exclusive', [rp(3, 31), rp(3, 32)]);
      expect((await finished(t, parallel, 60_000)).status).toBe('Complete');
      const [a, b] = await rowsOf([parallel]);
      expect(a.started_at!.getTime()).toBeLessThan(b.completed_at!.getTime());
      expect(b.started_at!.getTime()).toBeLessThan(a.completed_at!.getTime());
    } finally {
      await t.api().patch('/api/v1/synchronisation/connected-systems/3').send({ exclusive: true }).expect(200);
    }
    const history: { version: number; snapshot: { exclusive: boolean }; change_reason: string | null }[] = await t.db.query(
      `SELECT version, snapshot, change_reason FROM configuration_changes WHERE target_type = 'ConnectedSystem' AND target_id = '3' ORDER BY version`,
    );
    expect(history.map((h) => [h.version, h.snapshot.exclusive, h.change_reason])).toEqual([
      [1, false, 'JIM runs these side by side'],
      [2, true, null],
    ]);
  });

  it('cancels a waiting step; a waiting step’s timeout counts from when it starts running', async () => {
    jim.setBehaviour(31, { steps: 25 });
    jim.setBehaviour(32, { steps: 2 });
    const holder = await runSteps(t, 'Long holder', [rp(3, 31)]);
    await untilStatus(holder, 'Processing');
    const cancelled = await runSteps(t, 'Cancelled while waiting', [rp(3, 32)]);
    const patient = await runSteps(t, 'Patient', [rp(3, 32, { timeoutSeconds: 2 })]);
    await untilStatus(cancelled, 'WaitingForResource');
    await untilStatus(patient, 'WaitingForResource');
    expect((await stepOf(patient)).waitingFor.placeInLine).toBe(2);
    await t.api().post(`/api/v1/schedule-executions/${cancelled}/cancel`).expect(200);
    expect(await stepOf(cancelled)).toMatchObject({ status: 'Cancelled', startedAt: null });
    expect((await stepOf(patient)).waitingFor.placeInLine).toBe(1);
    // The holder runs about 2.5 s: longer than the patient step's timeout, which has not started yet.
    const done = await finished(t, patient, 60_000);
    expect(done.status).toBe('Complete');
    const [holderRow] = await rowsOf([holder]);
    const [patientRow] = await rowsOf([patient]);
    expect(patientRow.started_at!.getTime()).toBeGreaterThanOrEqual(holderRow.completed_at!.getTime());
    // It waited longer than its timeout, and did not time out.
    expect(patientRow.started_at!.getTime() - Date.parse((await detail(patient)).queuedAt)).toBeGreaterThan(2000);
  });

  it('keeps the system held through a worker kill, then hands it on', async () => {
    jim.setBehaviour(31, { steps: 30 });
    jim.setBehaviour(32, { steps: 2 });
    const holder = await runSteps(t, 'Holder killed', [rp(3, 31)]);
    const [row] = await waitFor(async () => {
      const rows = await rowsOf([holder]);
      return rows[0]?.activity_id ? rows : undefined;
    });
    const waiter = await runSteps(t, 'Waits through the kill', [rp(3, 32)]);
    await untilStatus(waiter, 'WaitingForResource');
    const victim = workers.find((w) => row.worker_id!.includes(`:${w.pid}:`))!;
    await victim.stop('SIGKILL');
    workers = workers.filter((w) => w !== victim);
    workers.push(...(await startWorkers(t, 1, jimEnv())));
    expect((await finished(t, holder, 60_000)).status).toBe('Complete');
    expect((await finished(t, waiter, 60_000)).status).toBe('Complete');
    expectNoOverlap(await rowsOf([holder, waiter]));
  });
});

/** Without JIM, RunProfile steps go to the run-profiles queue, here to an engine whose runs go on until finished. */
describe('Connected-system exclusivity: the sweeper frees the system of a lost step', () => {
  let t: TestApp;
  let workers: RunningProcess[];
  const engine = new RunProfileEngine();

  beforeAll(async () => {
    t = await createTestApp();
    await engine.start(new QueueKit({ backend: t.config.queueBackend, redisUrl: REDIS_URL, databaseUrl: t.databaseUrl, prefix: t.config.queuePrefix }));
    await t.db.query(`INSERT INTO connected_systems (id, name, created) VALUES (7, 'Directory', now())`);
    await t.db.query(`INSERT INTO run_profiles (id, connected_system_id, name, run_type, created) VALUES (71, 7, 'Delta Import', 'DeltaImport', now())`);
    workers = await startWorkers(t, 2);
  });
  afterAll(async () => {
    await engine.stop();
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await t?.close();
  });

  it('fails the lost step and hands its system to the next in line', async () => {
    const status = async (id: string) => (await t.db.query(`SELECT status, worker_id FROM schedule_execution_steps WHERE execution_id = $1`, [id]))[0];
    const holder = await runSteps(t, 'Lost holder', [rp(7, 71)]);
    const held = await waitFor(async () => ((await status(holder)).status === 'Processing' ? status(holder) : undefined), 20_000);
    const waiter = await runSteps(t, 'Next in line', [rp(7, 71)]);
    await waitFor(async () => (await status(waiter)).status === 'WaitingForResource', 20_000);
    const victim = workers.find((w) => (held.worker_id as string).includes(`:${w.pid}:`))!;
    await victim.stop('SIGKILL');
    workers = workers.filter((w) => w !== victim);
    const lost = await finished(t, holder, 30_000);
    expect(lost.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'Worker lost: the worker running this step stopped responding' });
    await waitFor(async () => (await status(waiter)).status === 'Processing', 20_000);
    const [hold] = await t.db.query(`SELECT e.id FROM connected_system_holds h JOIN schedule_executions e ON e.id = h.execution_id WHERE h.granted_at IS NOT NULL AND h.connected_system_id = 7`);
    expect(hold.id).toBe(waiter);
    // The waiter's run reaches the engine after its step is Processing (the queue may poll): finish it once it is there.
    const [{ step_id: waiterStep }] = await t.db.query(`SELECT step_id FROM schedule_execution_steps WHERE execution_id = $1`, [waiter]);
    await waitFor(async () => engine.running().includes(waiterStep), 20_000);
    engine.finishAll();
    expect((await finished(t, waiter, 30_000)).status).toBe('Complete');
  });
});
