import { STEP_QUEUE_TOKEN, stepJobId } from '@jim/queue';
import type { Queue } from 'bullmq';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, ENCRYPTION_KEY, type TestApp } from '../support/test-app';
import { isAlive as alive, waitFor, type RunningProcess } from '../support/processes';
import { exe, finished, runSteps, startWorkers } from './worker-harness';

const INFRASTRUCTURE_KEY = 'jim_ak_' + 'b7'.repeat(32);
const DATABASE_PASSWORD = 'db-secret-pw';
const FIXTURES = join(__dirname, '../../libs/steps/test-fixtures');

describe('Step processes and the service\'s own configuration (real worker process)', () => {
  let t: TestApp;
  let workers: RunningProcess[];
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp();
    queue = t.app.get<Queue>(STEP_QUEUE_TOKEN);
    // The test server trusts local connections, so a password in the URL is accepted and ignored.
    const databaseUrl = new URL(t.databaseUrl);
    databaseUrl.password = DATABASE_PASSWORD;
    workers = await startWorkers(t, 1, {
      DATABASE_URL: databaseUrl.toString(),
      JIM_INFRASTRUCTURE_API_KEY: INFRASTRUCTURE_KEY,
      JIM_STEP_ENV_ALLOW: 'JIM_TEST_ALLOWED',
      JIM_TEST_ALLOWED: 'visible',
      JIM_TEST_HIDDEN: 'hidden',
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  });

  async function jobLog(executionId: string, stepIndex: number): Promise<string> {
    const [row] = await t.db.query(`SELECT id FROM schedule_execution_steps WHERE execution_id = $1 AND step_index = $2`, [executionId, stepIndex]);
    const { logs } = await queue.getJobLogs(stepJobId(row.id));
    return logs.join('\n');
  }

  it('starts a step with the allow-listed environment only: none of the service\'s settings', async () => {
    const id = await runSteps(t, 'Environment', [exe(0, '/usr/bin/env', null, { name: 'env' })]);
    const done = await finished(t, id);
    expect(done.steps[0].status).toBe('Completed');
    const names = done.steps[0].stdoutTail!.trim().split('\n').map((line) => line.slice(0, line.indexOf('=')));
    for (const name of ['JIM_ENCRYPTION_KEY', 'DATABASE_URL', 'REDIS_URL', 'JIM_INFRASTRUCTURE_API_KEY', 'JIM_QUEUE_PREFIX', 'NODE_ENV', 'JIM_TEST_HIDDEN']) {
      expect(names).not.toContain(name);
    }
    expect(names).toEqual(expect.arrayContaining(['PATH', 'JIM_TEST_ALLOWED', 'JIM_EXECUTION_ID', 'JIM_SCHEDULE_ID', 'JIM_STEP_INDEX']));
    expect(done.steps[0].stdoutTail).toContain('JIM_TEST_ALLOWED=visible\n');
    expect(done.steps[0].stdoutTail).toContain(`JIM_EXECUTION_ID=${id}\n`);
    expect(await jobLog(id, 0)).not.toContain(ENCRYPTION_KEY);
  });

  it('redacts the service\'s secret values from stored tails, the executions API and the job log', async () => {
    const printed = `key=${ENCRYPTION_KEY} infra=${INFRASTRUCTURE_KEY} db=${DATABASE_PASSWORD}`;
    const id = await runSteps(t, 'Echoes secrets', [
      exe(0, '/bin/echo', printed, { name: 'echo' }),
      exe(1, '/bin/sh', `-c "echo ${ENCRYPTION_KEY} >&2; exit 4"`, { name: 'stderr' }),
    ]);
    const done = await finished(t, id);
    expect(done.steps[0]).toMatchObject({ status: 'Completed', stdoutTail: 'key=*** infra=*** db=***\n' });
    expect(done.steps[1]).toMatchObject({ status: 'Failed', stderrTail: '***\n' });

    const api = await t.api().get(`/api/v1/schedule-executions/${id}`).expect(200);
    // The step's own definition (its arguments) is returned as saved; what it printed is not.
    const output = JSON.stringify(api.body.steps.map((s: Record<string, unknown>) => [s.stdoutTail, s.stderrTail, s.errorMessage]));
    expect(output).toContain('key=*** infra=*** db=***');
    for (const secret of [ENCRYPTION_KEY, INFRASTRUCTURE_KEY, DATABASE_PASSWORD]) expect(output).not.toContain(secret);

    const logs = `${await jobLog(id, 0)}\n${await jobLog(id, 1)}`;
    expect(logs).toContain('key=*** infra=*** db=***');
    expect(logs).toContain('[stderr] ***');
    for (const secret of [ENCRYPTION_KEY, INFRASTRUCTURE_KEY, DATABASE_PASSWORD]) expect(logs).not.toContain(secret);
  });

  it('stops a descendant that started a session of its own when the step times out', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'jim-session-')), 'sleeper.pid');
    const id = await runSteps(t, 'Session sleeper', [
      exe(0, join(FIXTURES, 'spawn-session-sleeper.sh'), pidFile, { name: 'slow', timeoutSeconds: 1 }),
    ]);
    const done = await finished(t, id, 20_000);
    expect(done.status).toBe('Failed');
    expect(done.steps[0]).toMatchObject({ status: 'Failed', errorMessage: 'Timed out after 1 s' });
    expect(done.steps[0].stdoutTail).toContain('sleeper started');
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    expect(sleeper).toBeGreaterThan(0);
    await waitFor(async () => !alive(sleeper), 5000);
  });
});
