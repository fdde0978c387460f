import { createTestApp, type TestApp } from '../support/test-app';
import { waitFor, type RunningProcess } from '../support/processes';
import { JimDouble } from '../support/jim-double';
import { finished, runSteps, startWorkers } from './worker-harness';

/** Retries of RunProfile steps on a JIM double: sent again only after JIM's activity ended in failure. */
describe('RunProfile step retries on JIM (real workers, JIM double)', () => {
  let t: TestApp;
  let jim: JimDouble;
  let workers: RunningProcess[];

  const rp = (extra: Record<string, unknown>) => ({ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 3, runProfileId: 31, ...extra });
  const detail = async (id: string) => (await t.api().get(`/api/v1/schedule-executions/${id}`).expect(200)).body;

  beforeAll(async () => {
    jim = new JimDouble({ tickMs: 200 });
    jim.systems.push({ id: 3, name: 'Payroll', runProfiles: [{ id: 31, name: 'Full Import', runType: 'FullImport' }] });
    await jim.start();
    t = await createTestApp();
    await t.db.query(`INSERT INTO connected_systems (id, name, created) VALUES (3, 'Payroll', now())`);
    await t.db.query(`INSERT INTO run_profiles (id, connected_system_id, name, run_type, created) VALUES (31, 3, 'Full Import', 'FullImport', now())`);
    workers = await startWorkers(t, 2, { JIM_SYNC_URL: jim.url, JIM_SYNC_API_KEY: jim.apiKey, JIM_SYNC_POLL_SECONDS: '1' });
  });
  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await t?.close();
    await jim?.stop();
  });

  it('sends the run profile again once its activity ended in failure, and records each activity', async () => {
    jim.setBehaviour(31, { steps: 2, finalStatus: 'FailedWithError', message: 'Directory unreachable' });
    const before = jim.executes().length;
    const id = await runSteps(t, 'JIM retried', [rp({ maxAttempts: 3, retryDelaySeconds: 1 })]);
    await waitFor(async () => jim.executes().length > before, 30_000);
    jim.setBehaviour(31, { steps: 2 });
    await finished(t, id, 60_000);
    const [step] = (await detail(id)).steps;
    expect(step).toMatchObject({ status: 'Completed', attempt: 2 });
    expect(jim.executes().length - before).toBe(2);
    const [first, second] = step.attempts;
    expect(first).toMatchObject({ attempt: 1, outcome: 'Failed', errorMessage: 'Directory unreachable' });
    expect(second).toMatchObject({ attempt: 2, outcome: 'Completed' });
    expect(jim.activity(first.activityId)).toMatchObject({ status: 'FailedWithError' });
    expect(jim.activity(second.activityId)).toMatchObject({ status: 'Complete' });
    expect(step.activityId).toBe(second.activityId);
  });

  it('never sends it again when the outcome of the dispatch is unknown', async () => {
    jim.setBehaviour(31, { steps: 2 });
    // execute gets no answer, and JIM's activity list cannot tell which run, if any, is this step's.
    jim.inject(/\/execute$/, 'drop', 1);
    const before = jim.executes().length;
    const id = await runSteps(t, 'JIM unknown', [rp({ maxAttempts: 3, retryDelaySeconds: 1 })]);
    await finished(t, id, 60_000);
    const [step] = (await detail(id)).steps;
    expect(step).toMatchObject({ status: 'Failed', attempt: 1 });
    expect(step.errorMessage).toMatch(/^Dispatch outcome unknown/);
    expect(step.attempts).toHaveLength(1);
    expect(jim.executes().length - before).toBe(1);
  });
});
