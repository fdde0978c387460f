import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/test-app';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/** `jim connected-system list|set` and the retry flags of `jim schedule step add`, run as users run them. */
describe('jim connected-system and step retry flags', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;

  const jim = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const home = mkdtempSync(join(tmpdir(), 'jim-cli-'));
    env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), NO_COLOR: '1', JIM_URL: `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`, JIM_API_KEY: t.adminKey };
  });
  afterAll(() => t?.close());

  it('lists connected systems with EXCLUSIVE, and sets it either way', async () => {
    const made = (await t.api().post('/api/v1/synchronisation/connected-systems').send({ name: 'Directory' }).expect(201)).body;
    const list = await jim(['connected-system', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${made.id}\\s+Directory\\s+yes`));

    const off = await jim(['connected-system', 'set', String(made.id), '--no-exclusive', '--change-reason', 'side by side']);
    expect(off).toMatchObject({ code: 0, stdout: `Connected system 'Directory' (${made.id}) is not exclusive.\n` });
    expect((await t.api().get(`/api/v1/synchronisation/connected-systems/${made.id}`).expect(200)).body.exclusive).toBe(false);
    const on = await jim(['connected-system', 'set', String(made.id), '--exclusive', '--json']);
    expect(JSON.parse(on.stdout)).toMatchObject({ id: made.id, exclusive: true });

    const neither = await jim(['connected-system', 'set', String(made.id)]);
    expect(neither.code).not.toBe(0);
    expect(neither.stderr).toContain('give --exclusive or --no-exclusive');
    const missing = await jim(['connected-system', 'set', '999999', '--exclusive']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Connected System with ID 999999 not found.');
  });

  it('adds a step with a retry policy and shows it', async () => {
    const schedule = (await t.api().post('/api/v1/schedules').send({ name: 'Retrying' }).expect(201)).body;
    const added = await jim(['schedule', 'step', 'add', schedule.id, '--step-type', 'Executable', '--executable-path', '/bin/true', '--max-attempts', '3', '--retry-delay-seconds', '60', '--retry-on-timeout']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('3 × from 60 s, on timeout too');
    const stored = (await t.api().get(`/api/v1/schedules/${schedule.id}`).expect(200)).body.steps[0];
    expect(stored).toMatchObject({ maxAttempts: 3, retryDelaySeconds: 60, retryOnTimeout: true });
    const bad = await jim(['schedule', 'step', 'add', schedule.id, '--step-type', 'Executable', '--executable-path', '/bin/true', '--max-attempts', '11']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--max-attempts');
  });
});
