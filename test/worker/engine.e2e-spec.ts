import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/test-app';
import { isAlive as alive, waitFor, type RunningProcess } from '../support/processes';
import { exe, execution, finished, runSteps, startWorkers } from './worker-harness';

describe('Execution engine (real worker processes)', () => {
  let t: TestApp;
  let workers: RunningProcess[];
  const dir = mkdtempSync(join(tmpdir(), 'jim-engine-'));

  beforeAll(async () => {
    t = await createTestApp();
    workers = await startWorkers(t, 2);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  it('runs sequential steps in order and completes, capturing output and the step environment', async () => {
    const id = await runSteps(t, 'Sequential', [
      exe(0, '/bin/sh', '-c "echo first:$JIM_STEP_INDEX:$JIM_EXECUTION_ID"', { name: 'one' }),
      exe(1, '/bin/echo', 'second "with spaces"', { name: 'two' }),
    ]);
    const done = await finished(t, id);
    expect(done.status).toBe('Complete');
    expect(done.errorMessage).toBeNull();
    expect(done.steps.map((s) => s.status)).toEqual(['Completed', 'Completed']);
    expect(done.steps[0].stdoutTail).toContain(`first:0:${id}`);
    expect(done.steps[1].stdoutTail).toContain('second with spaces');
    expect(done.steps.filter((s) => s.exitCode !== 0)).toEqual([]);
    expect(new Date(done.steps[1].startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(done.steps[0].completedAt!).getTime());
  });

  it('runs steps with the same index in parallel', async () => {
    const id = await runSteps(t, 'Parallel', [exe(0, '/bin/sleep', '1', { name: 'a' }), exe(0, '/bin/sleep', '1', { name: 'b' })]);
    const done = await finished(t, id);
    expect(done.status).toBe('Complete');
    const [a, b] = done.steps.map((s) => ({ start: Date.parse(s.startedAt!), end: Date.parse(s.completedAt!) }));
    // Both were running at the same moment: each started before the other finished.
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
  });

  it('fails the execution when a step without continueOnFailure fails; later steps are not run', async () => {
    const id = await runSteps(t, 'Stops', [
      exe(0, '/bin/sh', '-c "echo oops >&2; exit 3"', { name: 'breaks' }),
      exe(0, '/bin/true', null, { name: 'sibling' }),
      exe(1, '/bin/true', null, { name: 'later' }),
    ]);
    const done = await finished(t, id);
    expect(done.status).toBe('Failed');
    expect(done.errorMessage).toBe("Step 'breaks' failed and ContinueOnFailure is false.");
    expect(done.steps[0]).toMatchObject({ status: 'Failed', exitCode: 3, errorMessage: 'Process exited with code 3' });
    expect(done.steps[0].stderrTail).toContain('oops');
    expect(done.steps[1].status).toBe('Completed');
    expect(done.steps[2]).toMatchObject({ status: 'Cancelled', errorMessage: 'Not run: a previous step failed', startedAt: null });
  });

  it('continues past a failed step with continueOnFailure and completes', async () => {
    const id = await runSteps(t, 'Continues', [
      exe(0, '/bin/false', null, { name: 'may fail', continueOnFailure: true }),
      exe(1, '/bin/true', null, { name: 'after' }),
    ]);
    const done = await finished(t, id);
    expect(done.status).toBe('Complete');
    expect(done.steps.map((s) => s.status)).toEqual(['Failed', 'Completed']);
  });

  it('enforces timeoutSeconds by killing the whole process tree', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const id = await runSteps(t, 'Times out', [
      exe(0, '/bin/sh', `-c "sleep 300 & echo $! > ${pidFile}; sleep 300"`, { name: 'slow', timeoutSeconds: 1 }),
    ]);
    const done = await finished(t, id, 20_000);
    expect(done.status).toBe('Failed');
    expect(done.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'Timed out after 1 s' });
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    await waitFor(async () => !alive(grandchild), 5000);
  });

  it('cancels a running execution: the process is stopped and nothing else runs', async () => {
    const pidFile = join(dir, 'cancel.pid');
    const id = await runSteps(t, 'Cancelled mid-step', [
      exe(0, '/bin/sh', `-c "echo $$ > ${pidFile}; exec sleep 300"`, { name: 'long' }),
      exe(1, '/bin/true', null, { name: 'never' }),
    ]);
    await waitFor(async () => (await execution(t, id)).steps[0].status === 'Processing');
    await waitFor(async () => readFileSync(pidFile, 'utf8').trim().length > 0 || undefined).catch(() => undefined);
    const res = await t.api().post(`/api/v1/schedule-executions/${id}/cancel`).expect(200);
    expect(res.body).toMatchObject({ status: 'Cancelled', errorMessage: 'Cancelled by user' });
    const stopped = await waitFor(async () => {
      const e = await execution(t, id);
      return e.steps[0].status === 'Cancelled' ? e : undefined;
    }, 5000);
    expect(stopped.status).toBe('Cancelled');
    expect(stopped.steps[1].status).toBe('Cancelled');
    expect(stopped.steps[1].startedAt).toBeNull();
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    await waitFor(async () => !alive(pid), 3000);
  });

  it('marks a step of a worker killed with SIGKILL as lost and proceeds by the continueOnFailure rule', async () => {
    const id = await runSteps(t, 'Worker dies', [
      exe(0, '/bin/sleep', '120', { name: 'doomed', continueOnFailure: true }),
      exe(1, '/bin/true', null, { name: 'afterwards' }),
    ]);
    const workerId = await waitFor(async () => {
      const [row] = await t.db.query(`SELECT worker_id FROM schedule_execution_steps WHERE execution_id = $1 AND status = 'Processing'`, [id]);
      return row?.worker_id as string | undefined;
    });
    const victim = workers.find((w) => workerId.includes(`:${w.pid}:`))!;
    expect(victim).toBeDefined();
    await victim.stop('SIGKILL');
    workers = workers.filter((w) => w !== victim);
    const done = await finished(t, id, 60_000);
    expect(done.steps[0].status).toBe('Failed');
    expect(done.steps[0].errorMessage).toMatch(/^Worker lost/);
    expect(done.steps[1].status).toBe('Completed');
    expect(done.status).toBe('Complete');
    workers.push(...(await startWorkers(t, 1)));
  });

  it('reports a missing executable and a missing PowerShell host as step failures', async () => {
    const script = join(dir, 'report.ps1');
    writeFileSync(script, 'Write-Output "hello"');
    const id = await runSteps(t, 'Missing programs', [
      exe(0, '/no/such/program', null, { name: 'missing', continueOnFailure: true }),
      { stepIndex: 1, stepType: 'PowerShell', name: 'ps', scriptPath: script, continueOnFailure: true },
    ]);
    const done = await finished(t, id);
    expect(done.status).toBe('Complete');
    expect(done.steps[0].errorMessage).toBe("Executable '/no/such/program' was not found");
    expect(done.steps[1].errorMessage).toBe("PowerShell host 'pwsh' was not found");
  });

  it('runs a SQL script step in one transaction against PostgreSQL', async () => {
    const script = join(dir, 'script.sql');
    writeFileSync(script, 'CREATE TABLE IF NOT EXISTS sql_step_probe (n int); INSERT INTO sql_step_probe VALUES (42);');
    const url = new URL(t.databaseUrl);
    const cs = `Host=${url.hostname};Port=${url.port};Database=${url.pathname.slice(1)};Username=postgres;Password=unused-secret`;
    const id = await runSteps(t, 'SQL', [{ stepIndex: 0, stepType: 'SqlScript', name: 'sql', sqlConnectionString: cs, sqlScriptPath: script }]);
    const done = await finished(t, id);
    expect(done.status).toBe('Complete');
    const rows = await t.db.query(`SELECT n FROM sql_step_probe`);
    expect(rows).toEqual([{ n: 42 }]);
    expect(JSON.stringify(done)).not.toContain('unused-secret');
  });
});
