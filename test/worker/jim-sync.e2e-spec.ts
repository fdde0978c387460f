import { createTestApp, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { JimDouble, type TerminalActivityStatus } from '../support/jim-double';
import { finished, runSteps, startWorkers } from './worker-harness';

/** RunProfile steps driven on a JIM double over HTTP, by real worker processes. */
describe('RunProfile steps on JIM (real workers, JIM double)', () => {
  let t: TestApp;
  let jim: JimDouble;
  let workers: RunningProcess[];
  const jimEnv = () => ({ JIM_SYNC_URL: jim.url, JIM_SYNC_API_KEY: jim.apiKey, JIM_SYNC_POLL_SECONDS: '1' });

  const rp = (stepIndex: number, connectedSystemId: number, runProfileId: number, extra: Record<string, unknown> = {}) => ({
    stepIndex,
    stepType: 'RunProfile',
    connectedSystemId,
    runProfileId,
    ...extra,
  });

  async function mirrorCatalogue(): Promise<void> {
    // The catalogue as JIM has it, with JIM's ids.
    for (const system of jim.systems) {
      await t.db.query(`INSERT INTO connected_systems (id, name, created) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING`, [system.id, system.name]);
      for (const profile of system.runProfiles) {
        await t.db.query(
          `INSERT INTO run_profiles (id, connected_system_id, name, run_type, created) VALUES ($1, $2, $3, $4, now()) ON CONFLICT (id) DO NOTHING`,
          [profile.id, system.id, profile.name, profile.runType],
        );
      }
    }
  }

  async function stepRows(executionId: string) {
    return t.db.query(
      `SELECT name, status, error_message, activity_id, task_id, activity_status, progress, dispatched_at, worker_id
       FROM schedule_execution_steps WHERE execution_id = $1 ORDER BY group_ordinal, position`,
      [executionId],
    );
  }

  beforeAll(async () => {
    jim = new JimDouble({ tickMs: 200 });
    jim.systems.push({ id: 3, name: 'Payroll', runProfiles: [{ id: 31, name: 'Full Import', runType: 'FullImport' }] });
    await jim.start();
    t = await createTestApp();
    await mirrorCatalogue();
    workers = await startWorkers(t, 2, jimEnv());
  });
  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await t?.close();
    await jim?.stop();
  });

  it('runs a seed-style schedule (two systems in parallel, then one more) with one execute per step', async () => {
    const before = jim.executes().length;
    const id = await runSteps(t, 'Seed style', [rp(0, 1, 11), rp(0, 2, 21), rp(1, 1, 12)]);
    const done = await finished(t, id, 60_000);
    expect(done.status).toBe('Complete');
    expect(done.steps.map((s) => [s.name, s.status])).toEqual([
      ['HR - Full Import', 'Completed'],
      ['AD - Full Import', 'Completed'],
      ['HR - Delta Import', 'Completed'],
    ]);
    const executes = jim.executes().slice(before);
    expect(executes.map((r) => r.path).sort()).toEqual([
      '/api/v1/synchronisation/connected-systems/1/run-profiles/11/execute',
      '/api/v1/synchronisation/connected-systems/1/run-profiles/12/execute',
      '/api/v1/synchronisation/connected-systems/2/run-profiles/21/execute',
    ]);
    const rows = await stepRows(id);
    for (const row of rows) {
      expect(jim.activity(row.activity_id)).toMatchObject({ status: 'Complete' });
      expect(row).toMatchObject({ activity_status: 'Complete', progress: { percentComplete: 100, objectsProcessed: 10_000, objectsToProcess: 10_000 } });
      expect(row.task_id).toEqual(expect.any(String));
    }
    // The executions API shows each step's activity, its status and progress.
    const api = await t.api().get(`/api/v1/schedule-executions/${id}`).expect(200);
    expect(api.body.steps[0]).toMatchObject({
      activityId: rows[0].activity_id,
      activityStatus: 'Complete',
      progress: { percentComplete: 100, objectsProcessed: 10_000, objectsToProcess: 10_000, phase: null },
    });
    // The sequential step was sent only once the parallel ones had finished in JIM.
    const last = jim.activity(rows[2].activity_id)!;
    for (const row of rows.slice(0, 2)) expect(Date.parse(jim.activity(row.activity_id)!.ended!)).toBeLessThanOrEqual(Date.parse(last.created));
    // Polling is shared: the list of worker tasks, never one progress call per activity.
    expect(jim.calls('GET', /\/progress$/)).toHaveLength(0);
    expect(jim.calls('GET', /^\/api\/v1\/worker-tasks$/).length).toBeGreaterThan(0);
  });

  it.each<[TerminalActivityStatus, string | undefined, string, string | null, string]>([
    ['Complete', undefined, 'Completed', null, 'Complete'],
    ['CompleteWithWarning', '3 objects had warnings', 'CompletedWithWarning', '3 objects had warnings', 'Complete'],
    ['CompleteWithError', undefined, 'CompletedWithError', '2 unhandled error(s) occurred during processing. Review the items for more information.', 'Failed'],
    ['FailedWithError', 'Connector threw --> LDAP down', 'Failed', 'Connector threw --> LDAP down', 'Failed'],
    ['Cancelled', undefined, 'Cancelled', 'Run profile was cancelled in JIM', 'Failed'],
  ])('maps JIM status %s (message %j) to a %s step (error %j) and a %s execution', async (finalStatus, message, stepStatus, errorMessage, executionStatus) => {
    jim.setBehaviour(31, { steps: 2, finalStatus, message });
    const id = await runSteps(t, `Maps ${finalStatus}`, [rp(0, 3, 31)]);
    const done = await finished(t, id, 30_000);
    expect(done.steps[0]).toMatchObject({ status: stepStatus, errorMessage });
    expect(done.status).toBe(executionStatus);
  });

  it('cancelling the execution cancels JIM worker task and waits for the activity to be Cancelled', async () => {
    jim.setBehaviour(31, { never: true, cancelDelayMs: 300 });
    const id = await runSteps(t, 'Cancel in JIM', [rp(0, 3, 31)]);
    const [row] = await waitFor(async () => {
      const rows = await stepRows(id);
      return rows[0]?.task_id ? rows : undefined;
    });
    await t.api().post(`/api/v1/schedule-executions/${id}/cancel`).expect(200);
    const done = await finished(t, id);
    expect(done.status).toBe('Cancelled');
    await waitFor(async () => (await stepRows(id))[0].status === 'Cancelled');
    expect(jim.cancels().map((r) => r.path)).toContain(`/api/v1/worker-tasks/${row.task_id}/cancel`);
    expect(jim.activity(row.activity_id)).toMatchObject({ status: 'Cancelled', taskId: null });
  });

  it('a timeout cancels the worker task in JIM and fails the step', async () => {
    jim.setBehaviour(31, { never: true });
    const id = await runSteps(t, 'Timeout in JIM', [rp(0, 3, 31, { timeoutSeconds: 2 })]);
    const done = await finished(t, id, 30_000);
    expect(done.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'Timed out after 2 s' });
    const [row] = await stepRows(id);
    expect(jim.cancels().map((r) => r.path)).toContain(`/api/v1/worker-tasks/${row.task_id}/cancel`);
    expect(jim.activity(row.activity_id)).toMatchObject({ status: 'Cancelled' });
  });

  it('another worker resumes following the activity of a killed worker; JIM saw exactly one execute', async () => {
    jim.setBehaviour(31, { steps: 70 });
    const before = jim.executes().length;
    const id = await runSteps(t, 'Worker killed mid-run', [rp(0, 3, 31)]);
    const [row] = await waitFor(async () => {
      const rows = await stepRows(id);
      return rows[0]?.activity_id ? rows : undefined;
    });
    const victim = workers.find((w) => (row.worker_id as string).includes(`:${w.pid}:`))!;
    expect(victim).toBeDefined();
    await victim.stop('SIGKILL');
    workers = workers.filter((w) => w !== victim);
    const done = await finished(t, id, 60_000);
    expect(done.status).toBe('Complete');
    const [after] = await stepRows(id);
    expect(after).toMatchObject({ status: 'Completed', activity_id: row.activity_id, activity_status: 'Complete' });
    expect(after.worker_id).not.toBe(row.worker_id);
    expect(jim.executes().length - before).toBe(1);
    workers.push(...(await startWorkers(t, 1, jimEnv())));
  });

  it('a worker shut down for a deploy leaves the run going in JIM; another worker follows it to the end', async () => {
    jim.setBehaviour(31, { steps: 40 });
    const before = jim.executes().length;
    const cancelsBefore = jim.cancels().length;
    const id = await runSteps(t, 'Worker deployed mid-run', [rp(0, 3, 31)]);
    const [row] = await waitFor(async () => {
      const rows = await stepRows(id);
      return rows[0]?.activity_id ? rows : undefined;
    });
    const leaving = workers.find((w) => (row.worker_id as string).includes(`:${w.pid}:`))!;
    workers = workers.filter((w) => w !== leaving);
    workers.push(...(await startWorkers(t, 1, jimEnv())));
    await leaving.stop('SIGTERM');
    const done = await finished(t, id, 60_000);
    expect(done.status).toBe('Complete');
    const [after] = await stepRows(id);
    expect(after).toMatchObject({ status: 'Completed', activity_id: row.activity_id });
    expect(after.worker_id).not.toBe(row.worker_id);
    expect(jim.executes().length - before).toBe(1);
    expect(jim.cancels().length).toBe(cancelsBefore);
  });

  it('adopts the activity JIM created when the answer to execute was lost, without sending it again', async () => {
    jim.setBehaviour(31, { steps: 3, dropExecuteAnswer: true });
    const before = jim.executes().length;
    const id = await runSteps(t, 'Lost answer', [rp(0, 3, 31)]);
    const done = await finished(t, id, 30_000);
    expect(done.status).toBe('Complete');
    expect(jim.executes().length - before).toBe(1);
    const [row] = await stepRows(id);
    const created = jim.allActivities().filter((a) => a.connectedSystemRunProfileId === 31).at(-1)!;
    expect(row.activity_id).toBe(created.id);
    expect(jim.calls('GET', /^\/api\/v1\/activities$/).at(-1)!.query).toMatchObject({ connectedSystem: 'Payroll', runProfile: 'Full Import' });
  });

  it('fails naming what JIM could not find, and retries through 5xx and dropped connections', async () => {
    jim.setBehaviour(31, { steps: 2 });
    jim.inject(/\/execute$/, 503, 2);
    jim.inject(/^\/api\/v1\/worker-tasks$/, 'drop', 2);
    jim.inject(/^\/api\/v1\/worker-tasks$/, 500, 2);
    const ok = await finished(t, await runSteps(t, 'Through errors', [rp(0, 3, 31)]), 60_000);
    expect(ok.status).toBe('Complete');

    jim.systems[2].runProfiles.push({ id: 39, name: 'Gone', runType: 'Export' });
    await mirrorCatalogue();
    jim.systems[2].runProfiles.pop();
    const missing = await finished(t, await runSteps(t, 'Missing profile', [rp(0, 3, 39)]));
    expect(missing.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'JIM could not find the run profile: Run Profile with ID 39 not found for Connected System 3.' });
  });

  it('keeps to the budget through a storm of 429s, honouring Retry-After', async () => {
    jim.setBehaviour(31, { steps: 5 });
    const start = jim.requests.length;
    jim.inject(/^\/api\/v1\/worker-tasks$/, 429, 3);
    const done = await finished(t, await runSteps(t, 'Rate limited', [rp(0, 3, 31)]), 60_000);
    expect(done.status).toBe('Complete');
    const lists = jim.requests.slice(start).filter((r) => r.path === '/api/v1/worker-tasks');
    const limited = lists.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    // After each 429 (Retry-After: 1), the next list call came no sooner than a second later.
    for (const r of limited) {
      const next = lists.find((n) => n.at > r.at);
      if (next) expect(next.at - r.at).toBeGreaterThanOrEqual(950);
    }
  });
});

describe('RunProfile steps on JIM: a refused key', () => {
  let t: TestApp;
  let jim: JimDouble;
  let workers: RunningProcess[];

  beforeAll(async () => {
    jim = new JimDouble();
    await jim.start();
    t = await createTestApp();
    await t.db.query(`INSERT INTO connected_systems (id, name, created) VALUES (1, 'HR', now())`);
    await t.db.query(`INSERT INTO run_profiles (id, connected_system_id, name, run_type, created) VALUES (11, 1, 'Full Import', 'FullImport', now())`);
    workers = await startWorkers(t, 1, { JIM_SYNC_URL: jim.url, JIM_SYNC_API_KEY: `jim_ak_${'0'.repeat(64)}` });
  });
  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await t?.close();
    await jim?.stop();
  });

  it('fails the step saying JIM refused the API key, and never shows the key', async () => {
    const done = await finished(t, await runSteps(t, 'Bad key', [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 11 }]));
    expect(done.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'JIM refused the API key (401: Authentication required)' });
    expect(workers[0].output()).not.toContain('0'.repeat(64));
  });
});
