import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startProcess, waitFor, type RunningProcess } from '../support/processes';

const LAUNCHER = join(__dirname, '..', '..', 'dist/apps/launcher/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `npm start` with no configuration: embedded PostgreSQL under the data folder, API and worker together. */
describe('Embedded start (no external services)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jim-embedded-'));
  let port: number;
  let product: RunningProcess | undefined;

  const start = async () => {
    product = await startProcess(LAUNCHER, { JIM_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: '' }, /JIM Schedules is running/, 90_000);
    return product;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };

  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    await product?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, prints the administrator key once, and runs a schedule to completion', async () => {
    const first = await start();
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    expect(key).toMatch(/^jim_ak_[0-9a-f]{64}$/);
    expect(statSync(join(dataDir, 'admin-api-key')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(key);
    expect(first.output()).toContain(`http://localhost:${port}`);

    const created = await call('POST', '/api/v1/schedules', {
      name: 'Embedded pipeline',
      steps: [
        { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/echo', arguments: 'hello' },
        { stepIndex: 1, stepType: 'Executable', executablePath: '/bin/true' },
      ],
    });
    expect(created.status).toBe(201);
    const run = await call('POST', `/api/v1/schedules/${created.body.id}/run`);
    expect(run.status).toBe(202);
    const done = await waitFor(async () => {
      const e = await call('GET', `/api/v1/schedule-executions/${run.body.executionId}`);
      return e.body.status === 'Complete' ? e.body : undefined;
    }, 60_000, 250);
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(['Completed', 'Completed']);
    expect(done.steps[0].stdoutTail).toContain('hello');
    const list = await call('GET', `/api/v1/schedule-executions?scheduleId=${created.body.id}`);
    expect(list.body.totalCount).toBe(1);
    await first.stop();
  });

  it('keeps its data across restarts and does not print the key again', async () => {
    const second = await start();
    expect(second.output()).not.toContain(readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim());
    const list = await call('GET', '/api/v1/schedules?search=Embedded');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['Embedded pipeline']);
    expect(list.body.items[0].lastExecutionStatus).toBe('Complete');
    const stopped = await second.stop();
    expect(stopped).toBe(0);
  });
});
