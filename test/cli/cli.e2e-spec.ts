import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/test-app';

/** The built command, run exactly as users run it. */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const CS = '/api/v1/synchronisation/connected-systems';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const SQL_CONNECTION = 'postgres://app:s3cret@db.example.com:5432/hr';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? '';

describe('jim command line', () => {
  let t: TestApp;
  let url: string;
  let home: string;
  let baseEnv: NodeJS.ProcessEnv;

  /** Runs the CLI with its own HOME and XDG_CONFIG_HOME; stdin is a pipe, so it is never a terminal. */
  interface RunOptions {
    env?: Record<string, string | undefined>;
    input?: string;
    timeoutMs?: number;
    /** Sees standard output as it comes, for commands that follow an execution. */
    onStdout?: (chunk: string) => void;
  }

  function jim(args: string[], options: RunOptions = {}): Promise<Result> {
    const env = { ...baseEnv, ...options.env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    return new Promise((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        { env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 10 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && (error as { killed?: boolean }).killed) {
            reject(new Error(`jim ${args.join(' ')} did not finish in time\nstdout: ${stdout}\nstderr: ${stderr}`));
            return;
          }
          const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (options.onStdout) child.stdout?.on('data', (chunk: Buffer) => options.onStdout!(chunk.toString()));
      child.stdin?.end(options.input ?? '');
    });
  }

  /** Starts a command and lets the test wait for what it prints before changing the database under it. */
  function follow(args: string[]) {
    let seen = '';
    const done = jim(args, { onStdout: (chunk) => (seen += chunk) });
    const printed = async (text: string) => {
      for (let waited = 0; !seen.includes(text); waited += 50) {
        if (waited > 20_000) throw new Error(`"${text}" was not printed; output so far:\n${seen}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { done, printed };
  }

  async function ok(args: string[], options?: RunOptions): Promise<string> {
    const result = await jim(args, options);
    if (result.code !== 0) throw new Error(`jim ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return result.stdout;
  }

  async function json<T = any>(args: string[], options?: RunOptions): Promise<T> {
    return JSON.parse(await ok([...args, '--json'], options)) as T;
  }

  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) {
      throw new Error(`${CLI} does not exist: run "npm run build" before the CLI tests (they run the built command).`);
    }
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.http.address() as AddressInfo).port}`;
    home = mkdtempSync(join(tmpdir(), 'jim-cli-'));
    baseEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), NO_COLOR: '1' };
    delete baseEnv.JIM_URL;
    delete baseEnv.JIM_API_KEY;
  });

  afterAll(async () => {
    await t?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  describe('the built command', () => {
    it('starts without loading Nest, TypeORM or the validation libraries', async () => {
      const preload = join(home, 'record-modules.js');
      const record = join(home, 'modules.json');
      writeFileSync(
        preload,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(Object.keys(require.cache))));`,
      );
      const started = Date.now();
      const result = await jim(['--version'], { env: { NODE_OPTIONS: `--require ${preload}` } });
      const elapsed = Date.now() - started;
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const modules = JSON.parse(readFileSync(record, 'utf8')) as string[];
      expect(modules.some((m) => m.includes('/node_modules/commander/'))).toBe(true);
      expect(modules.filter((m) => /node_modules\/(@nestjs|typeorm|class-validator|class-transformer|reflect-metadata|pg|bullmq|ioredis)\//.test(m))).toEqual([]);
      expect(elapsed).toBeLessThan(5000);
      expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    });

    it('reports usage errors with commander’s exit code', async () => {
      const result = await jim(['schedule', 'new']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("required option '--name <name>' not specified");
      const bad = await jim(['schedule', 'new', '--name', 'x', '--interval-value', 'abc']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('must be a whole number');
    });
  });

  describe('connect', () => {
    it('refuses to work before connecting', async () => {
      const result = await jim(['schedule', 'list']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Not connected to JIM');
      expect(result.stderr).toContain('jim connect --url <url> --api-key <key>');
    });

    it('does not save a key the API rejects', async () => {
      const result = await jim(['connect', '--url', url, '--api-key', `jim_ak_${'0'.repeat(64)}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Authentication failed: /);
      expect(existsSync(join(home, 'xdg', 'jim', 'config.json'))).toBe(false);
    });

    it('exits 2 with a clear message when the API cannot be reached', async () => {
      const port = await closedPort();
      const result = await jim(['connect', '--url', `http://127.0.0.1:${port}`, '--api-key', t.adminKey]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Cannot connect to JIM at http://127.0.0.1:${port}`);
      expect(result.stderr).toContain('ECONNREFUSED');
    });

    it('checks the key and stores url and key, readable only by the user', async () => {
      const stdout = await ok(['connect', '--url', `${url}/`, '--api-key', t.adminKey]);
      const file = join(home, 'xdg', 'jim', 'config.json');
      expect(stdout).toContain(`Connected to JIM at ${url}`);
      expect(stdout).toContain(file);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url, apiKey: t.adminKey });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, 'xdg', 'jim')).mode & 0o777).toBe(0o700);
    });

    it('uses ~/.config/jim/config.json without XDG_CONFIG_HOME', async () => {
      const env = { XDG_CONFIG_HOME: undefined };
      await ok(['connect', '--url', url, '--api-key', t.adminKey], { env });
      const file = join(home, '.config', 'jim', 'config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await ok(['schedule', 'list'], { env });
    });

    it('lets JIM_URL and JIM_API_KEY override the saved settings', async () => {
      const port = await closedPort();
      const elsewhere = await jim(['schedule', 'list'], { env: { JIM_URL: `http://127.0.0.1:${port}` } });
      expect(elsewhere.code).toBe(2);
      expect(elsewhere.stderr).toContain(`Cannot connect to JIM at http://127.0.0.1:${port}`);

      const badKey = await jim(['schedule', 'list'], { env: { JIM_API_KEY: `jim_ak_${'1'.repeat(64)}` } });
      expect(badKey.code).toBe(1);
      expect(badKey.stderr).toMatch(/^Authentication failed: Invalid API key/);
    });
  });

  describe('schedules', () => {
    let id: string;

    it('creates a schedule and shows it as a table', async () => {
      const stdout = await ok([
        'schedule', 'new', '--name', 'CLI Nightly', '--description', 'from the CLI',
        '--days-of-week', '1,2,3,4,5', '--run-times', '06:30,18:00', '--time-zone', 'Europe/London',
        '--change-reason', 'testing',
      ]);
      expect(stdout).toMatch(/^Created schedule 'CLI Nightly' \([0-9a-f-]{36}\)\./);
      id = stdout.match(UUID)![0];
      expect(stdout).toMatch(/Trigger:\s+Cron/);
      expect(stdout).toMatch(/Pattern:\s+SpecificTimes/);
      expect(stdout).toMatch(/Run times:\s+06:30,18:00/);
      expect(stdout).toMatch(/Time zone:\s+Europe\/London/);
      expect(stdout).toMatch(/Enabled:\s+no/);
      expect(stdout).toContain('No steps.');
    });

    it('sets the execution policies with --overlap-policy, --catch-up-window and --jitter, and shows them', async () => {
      const stdout = await ok(['schedule', 'new', '--name', 'CLI Policies', '--overlap-policy', 'bufferone', '--catch-up-window', '120', '--jitter', '15']);
      expect(stdout).toMatch(/Overlap policy:\s+BufferOne/);
      expect(stdout).toMatch(/Catch-up window:\s+120 s/);
      expect(stdout).toMatch(/Jitter:\s+up to 15 s/);
      const policyId = stdout.match(UUID)![0];
      const changed = await json(['schedule', 'set', policyId, '--catch-up-window', 'default', '--overlap-policy', 'CancelPrevious']);
      expect(changed).toMatchObject({ overlapPolicy: 'CancelPrevious', catchUpWindowSeconds: null, jitterSeconds: 15 });
      for (const [flag, value, message] of [
        ['--jitter', '3601', 'must be between 0 and 3600'],
        ['--catch-up-window', 'later', 'must be a whole number'],
        ['--overlap-policy', 'Replace', 'Skip, BufferOne, BufferAll, CancelPrevious, AllowAll'],
      ]) {
        const bad = await jim(['schedule', 'set', policyId, flag, value]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain(message);
      }
      await ok(['schedule', 'remove', policyId, '--force']);
    });

    it('backfills a range with --from and --to, shows its progress, cancels the rest', async () => {
      const hourly = (await t.api().post('/api/v1/schedules').send({ name: 'CLI Backfill', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * *', steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] }).expect(201)).body.id;
      const stdout = await ok(['schedule', 'backfill', hourly, '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T03:00:00Z']);
      expect(stdout).toMatch(/^Backfill [0-9a-f-]{36}: 3 executions from 2026-01-01T00:00:00.000Z to 2026-01-01T03:00:00.000Z \(one after another\)\.$/m);
      const backfillId = stdout.match(UUID)![0];
      const status = await ok(['schedule', 'backfill-status', hourly, backfillId]);
      expect(status).toMatch(/Status:\s+Running/);
      expect(status).toMatch(/Waiting:\s+2/);
      const cancelled = await json(['schedule', 'backfill-cancel', hourly, backfillId]);
      expect(cancelled).toMatchObject({ status: 'Cancelled', cancelled: 2, inProgress: 1 });
      const tooMany = await jim(['schedule', 'backfill', hourly, '--from', '2026-01-01T00:00:00Z', '--to', '2026-03-01T00:00:00Z']);
      expect(tooMany.code).toBe(1);
      expect(tooMany.stderr).toContain('the range holds 1,416 fire times; a backfill takes at most 1,000');
      const missing = await jim(['schedule', 'backfill', hourly, '--from', '2026-01-01T00:00:00Z']);
      expect(missing.stderr).toContain("required option '--to <date-time>' not specified");
      // Leaves nothing behind for the execution listings below.
      await t.db.query(`DELETE FROM schedule_executions WHERE schedule_id = $1`, [hourly]);
      await t.api().delete(`/api/v1/schedules/${hourly}`).expect(204);
    });

    it('start follows the overlap policy; --allow-overlap starts anyway', async () => {
      const skip = (await t.api().post('/api/v1/schedules').send({ name: 'CLI Skip', steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] }).expect(201)).body.id;
      await ok(['schedule', 'start', skip]);
      const refused = await jim(['schedule', 'start', skip]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("JIM API error (CONFLICT): Schedule 'CLI Skip' was not run: Execution ");
      expect(await ok(['schedule', 'start', skip, '--allow-overlap'])).toMatch(/^Schedule 'CLI Skip' started successfully\. Execution: /);
      await t.db.query(`DELETE FROM schedule_executions WHERE schedule_id = $1`, [skip]);
      await t.api().delete(`/api/v1/schedules/${skip}`).expect(204);
    });

    it('creates with --json, printing the API response', async () => {
      const created = await json(['schedule', 'new', '--name', 'CLI Manual', '--enabled']);
      expect(created).toMatchObject({ name: 'CLI Manual', triggerType: 'Manual', isEnabled: true, steps: [] });
      const custom = await json(['schedule', 'new', '--name', 'CLI Quarterly', '--cron-expression', '0 1 1 1,4,7,10 *']);
      expect(custom).toMatchObject({ triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 1 1 1,4,7,10 *' });
    });

    it('lists schedules as aligned columns, filtered by a wildcard name', async () => {
      const stdout = await ok(['schedule', 'list']);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+NAME\s+ENABLED\s+TRIGGER\s+STEPS\s+NEXT RUN\s+LAST RUN\s+LAST EXECUTION$/);
      const nameColumn = lines[0].indexOf('NAME');
      const row = lines.find((l) => l.startsWith(id))!;
      expect(row.slice(nameColumn)).toMatch(/^CLI Nightly\s+no\s+weekdays at 06:30, 18:00 \(Europe\/London\)\s+0\s+-\s+-\s+-$/);
      expect(lines).toHaveLength(4);

      const filtered = await ok(['schedule', 'list', '--name', 'cli night*']);
      expect(filtered.trimEnd().split('\n')).toHaveLength(2);
      expect(filtered).toContain('CLI Nightly');
      expect(await ok(['schedule', 'list', '--name', 'nothing*'])).toBe("No schedules match 'nothing*'.\n");

      const all = await json<any[]>(['schedule', 'list']);
      expect(all.map((s) => s.name).sort()).toEqual(['CLI Manual', 'CLI Nightly', 'CLI Quarterly']);
      const some = await json<any[]>(['schedule', 'list', '--name', '*Q?arterly']);
      expect(some.map((s) => s.name)).toEqual(['CLI Quarterly']);
    });

    it('gets a schedule with its steps', async () => {
      const stdout = await ok(['schedule', 'get', id]);
      expect(stdout).toMatch(new RegExp(`^ID:\\s+${id}$`, 'm'));
      expect(stdout).toMatch(/^Description:\s+from the CLI$/m);
      const detail = await json(['schedule', 'get', id]);
      expect(detail).toMatchObject({ id, name: 'CLI Nightly', runTimes: '06:30,18:00', steps: [] });
    });

    it('changes only the options given', async () => {
      const before = await json(['schedule', 'get', id]);
      const stdout = await ok(['schedule', 'set', id, '--run-times', '07:00', '--description', 'changed']);
      expect(stdout).toContain("Updated schedule 'CLI Nightly'");
      const after = await json(['schedule', 'get', id]);
      expect(after).toMatchObject({
        name: 'CLI Nightly',
        description: 'changed',
        runTimes: '07:00',
        daysOfWeek: before.daysOfWeek,
        timeZone: 'Europe/London',
        isEnabled: false,
        cronExpression: '0 7 * * 1,2,3,4,5',
      });
      const renamed = await json(['schedule', 'set', id, '--name', 'CLI Nightly 2', '--description', '']);
      expect(renamed).toMatchObject({ name: 'CLI Nightly 2', description: null, runTimes: '07:00' });
    });

    it('enables and disables', async () => {
      const stdout = await ok(['schedule', 'enable', id, '--change-reason', 'go live']);
      expect(stdout).toContain(`Schedule 'CLI Nightly 2' (${id}) enabled.`);
      expect(stdout).toMatch(/Next run:\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/);
      expect((await json(['schedule', 'get', id])).isEnabled).toBe(true);
      const disabled = await json(['schedule', 'disable', id]);
      expect(disabled).toMatchObject({ id, isEnabled: false, nextRunTime: null });
    });

    it('prints validation errors field by field and exits 1', async () => {
      const result = await jim(['schedule', 'new', '--name', 'Bad times', '--run-times', '25:00', '--time-zone', 'Mars/Base']);
      expect(result.code).toBe(1);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^JIM API error \(VALIDATION_ERROR\): /);
      expect(lines.some((l) => /^ {2}runTimes: /.test(l))).toBe(true);
      expect(lines.some((l) => /^ {2}timeZone: /.test(l))).toBe(true);
      expect(result.stdout).toBe('');

      const duplicate = await jim(['schedule', 'new', '--name', 'cli manual']);
      expect(duplicate.code).toBe(1);
      expect(duplicate.stderr).toMatch(/^JIM API error \(CONFLICT\): A schedule named 'cli manual' already exists/);
    });

    it('asks before removing, refuses without a terminal, removes with --force', async () => {
      const created = await json(['schedule', 'new', '--name', 'CLI Doomed']);
      const refused = await jim(['schedule', 'remove', created.id]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("Refusing to remove schedule 'CLI Doomed'");
      expect(refused.stderr).toContain('--force');
      await ok(['schedule', 'get', created.id]);

      const stdout = await ok(['schedule', 'remove', created.id, '--force', '--change-reason', 'not needed']);
      expect(stdout).toBe(`Removed schedule 'CLI Doomed' (${created.id}).\n`);
      const gone = await jim(['schedule', 'get', created.id]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toBe(`JIM API error (NOT_FOUND): Schedule not found: ${created.id}\n`);
    });
  });

  describe('steps', () => {
    let scheduleId: string;
    let hr: number;
    let fullImport: number;

    beforeAll(async () => {
      hr = (await t.api().post(CS).send({ name: 'HR' }).expect(201)).body.id;
      fullImport = (await t.api().post(`${CS}/${hr}/run-profiles`).send({ name: 'Full Import', runType: 'FullImport' }).expect(201)).body.id;
      await t.api().post(`${CS}/${hr}/run-profiles`).send({ name: 'Delta Import', runType: 'DeltaImport' }).expect(201);
      for (let i = 0; i < 2; i++) await t.api().post(CS).send({ name: 'Finance' }).expect(201);
      scheduleId = (await json(['schedule', 'new', '--name', 'CLI Steps'])).id;
    });

    it('adds a RunProfile step by ids', async () => {
      const stdout = await ok([
        'schedule', 'step', 'add', scheduleId, '--step-type', 'RunProfile',
        '--connected-system-id', String(hr), '--run-profile-id', String(fullImport), '--timeout-seconds', '120',
      ]);
      expect(stdout).toContain("Added step 'HR - Full Import' at index 0 to schedule 'CLI Steps'.");
      expect(stdout).toMatch(/^INDEX\s+PARALLEL\s+TYPE\s+NAME\s+TARGET\s+TIMEOUT\s+ON FAILURE\s+RETRIES\s+ID$/m);
      expect(stdout).toMatch(/^\s*0\s+no\s+RunProfile\s+-\s+HR \(\d+\) \/ Full Import \(\d+\)\s+120 s\s+stop\s+-\s+[0-9a-f-]{36}$/m);
    });

    it('adds by names, ignoring case, and --parallel joins the last group', async () => {
      const next = await json([
        'schedule', 'step', 'add', scheduleId, '--step-type', 'runprofile',
        '--connected-system-name', 'hr', '--run-profile-name', 'DELTA IMPORT', '--continue-on-failure',
      ]);
      expect(next.steps.map((s: any) => s.stepIndex)).toEqual([0, 1]);
      expect(next.steps[1]).toMatchObject({ connectedSystemName: 'HR', runProfileName: 'Delta Import', continueOnFailure: true });

      const stdout = await ok([
        'schedule', 'step', 'add', scheduleId, '--step-type', 'RunProfile',
        '--connected-system-name', 'HR', '--run-profile-name', 'Full Import', '--parallel',
      ]);
      expect(stdout).toContain("Added step 'HR - Full Import' in parallel at index 1");
      const parallel = await json(['schedule', 'get', scheduleId]);
      expect(parallel.steps.map((s: any) => [s.stepIndex, s.runProfileName])).toEqual([
        [0, 'Full Import'],
        [1, 'Delta Import'],
        [1, 'Full Import'],
      ]);
    });

    it('adds other step types, keeping their fields', async () => {
      const notify = await json([
        'schedule', 'step', 'add', scheduleId, '--step-type', 'Executable', '--name', 'Notify',
        '--executable-path', '/usr/bin/logger', '--arguments', '"sync done"', '--timeout-seconds', '60',
      ]);
      expect(notify.steps[3]).toMatchObject({ stepIndex: 2, name: 'Notify', executablePath: '/usr/bin/logger', timeoutSeconds: 60 });

      const sql = await json(
        ['schedule', 'step', 'add', scheduleId, '--step-type', 'SqlScript', '--name', 'Report',
          '--sql-connection-string', '-', '--sql-script-path', '/opt/jim/report.sql', '--timeout-seconds', '300'],
        { input: `${SQL_CONNECTION}\n` },
      );
      expect(sql.steps[4]).toMatchObject({ stepIndex: 3, name: 'Report', sqlScriptPath: '/opt/jim/report.sql', timeoutSeconds: 300 });
      expect(sql.steps[4].sqlConnectionString).not.toContain('s3cret');
    });

    it('explains names that match no or several Connected Systems, or no Run Profile', async () => {
      const add = (...extra: string[]) => jim(['schedule', 'step', 'add', scheduleId, '--step-type', 'RunProfile', ...extra]);
      const none = await add('--connected-system-name', 'Payroll', '--run-profile-name', 'Full Import');
      expect(none.code).toBe(1);
      expect(none.stderr).toBe("Connected System not found: 'Payroll'\n");

      const several = await add('--connected-system-name', 'finance', '--run-profile-name', 'Full Import');
      expect(several.code).toBe(1);
      expect(several.stderr.split('\n')[0]).toBe("Multiple Connected Systems found with name 'finance'. Use --connected-system-id.");

      const profile = await add('--connected-system-name', 'HR', '--run-profile-name', 'Export');
      expect(profile.code).toBe(1);
      expect(profile.stderr).toBe("Run Profile 'Export' not found for Connected System 'HR'\n");

      const unknownId = await add('--connected-system-id', '999999', '--run-profile-id', '1');
      expect(unknownId.code).toBe(1);
      expect(unknownId.stderr).toBe('Connected System not found: 999999\n');

      const missing = await add('--connected-system-name', 'HR');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('RunProfile steps need');

      const stray = await jim(['schedule', 'step', 'add', scheduleId, '--step-type', 'PowerShell', '--script-path', '/x.ps1', '--run-profile-id', '1']);
      expect(stray.code).toBe(1);
      expect(stray.stderr).toContain('--run-profile-id does not apply to PowerShell steps');

      expect((await json(['schedule', 'get', scheduleId])).steps).toHaveLength(5);
    });

    it('keeps every step, its id and all its fields when the schedule is changed', async () => {
      const [before] = await t.db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1 AND step_type = 'SqlScript'`, [scheduleId]);
      const steps = (await json(['schedule', 'get', scheduleId])).steps;
      await ok(['schedule', 'set', scheduleId, '--description', 'with steps']);
      const after = await json(['schedule', 'get', scheduleId]);
      expect(after.steps).toEqual(steps);
      const [stored] = await t.db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1 AND step_type = 'SqlScript'`, [scheduleId]);
      expect(stored.sql_connection_string).toBe(before.sql_connection_string);
    });

    it('removes a whole group and renumbers the later ones, keeping their ids, timeouts and SQL fields', async () => {
      const before = (await json(['schedule', 'get', scheduleId])).steps;
      const [sqlBefore] = await t.db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1 AND step_type = 'SqlScript'`, [scheduleId]);
      const stdout = await ok(['schedule', 'step', 'remove', scheduleId, '--step-index', '1', '--change-reason', 'no delta']);
      expect(stdout).toContain("Removed 2 steps at index 1 from schedule 'CLI Steps'.");
      const after = (await json(['schedule', 'get', scheduleId])).steps;
      expect(after).toEqual([
        before[0],
        { ...before[3], stepIndex: 1 },
        { ...before[4], stepIndex: 2 },
      ]);
      expect(after.map((s: any) => s.timeoutSeconds)).toEqual([120, 60, 300]);
      const [sqlAfter] = await t.db.query(`SELECT id, sql_connection_string FROM schedule_steps WHERE schedule_id = $1 AND step_type = 'SqlScript'`, [scheduleId]);
      expect(sqlAfter).toEqual({ id: before[4].id, sql_connection_string: sqlBefore.sql_connection_string });

      const missing = await jim(['schedule', 'step', 'remove', scheduleId, '--step-index', '7']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('No step found at index 7. The step indices are: 0, 1, 2\n');
    });
  });

  describe('running and executions', () => {
    let scheduleId: string;

    beforeAll(async () => {
      const hr = (await t.api().post(CS).send({ name: 'HR Run' }).expect(201)).body.id;
      await t.api().post(`${CS}/${hr}/run-profiles`).send({ name: 'Delta Import', runType: 'DeltaImport' }).expect(201);
      // AllowAll: no worker runs these executions, and the tests start the schedule while earlier runs are active.
      scheduleId = (await json(['schedule', 'new', '--name', 'CLI Run', '--overlap-policy', 'AllowAll'])).id;
      await ok(['schedule', 'step', 'add', scheduleId, '--step-type', 'RunProfile', '--connected-system-name', 'HR Run', '--run-profile-name', 'Delta Import']);
      await ok(['schedule', 'step', 'add', scheduleId, '--step-type', 'Executable', '--name', 'Notify', '--executable-path', '/bin/true']);
    });

    /** Waits for the execution a running `jim schedule start --wait` created. */
    async function newExecution(known: Set<string>): Promise<string> {
      for (let i = 0; i < 100; i++) {
        const rows: { id: string }[] = await t.db.query(`SELECT id FROM schedule_executions WHERE schedule_id = $1`, [scheduleId]);
        const fresh = rows.find((r) => !known.has(r.id));
        if (fresh) return fresh.id;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no execution was started');
    }

    async function knownExecutions(): Promise<Set<string>> {
      const rows: { id: string }[] = await t.db.query(`SELECT id FROM schedule_executions WHERE schedule_id = $1`, [scheduleId]);
      return new Set(rows.map((r) => r.id));
    }

    it('starts a schedule and prints the execution id', async () => {
      const stdout = await ok(['schedule', 'start', scheduleId]);
      expect(stdout).toMatch(/^Schedule 'CLI Run' started successfully\. Execution: [0-9a-f-]{36}\n$/);
      const executionId = stdout.match(UUID)![0];
      const started = await json(['execution', 'get', executionId]);
      expect(started).toMatchObject({ id: executionId, scheduleId, status: 'InProgress', totalSteps: 2 });

      const viaJson = await json(['schedule', 'start', scheduleId]);
      expect(viaJson).toEqual({
        executionId: expect.stringMatching(UUID),
        message: "Schedule 'CLI Run' started successfully",
        status: 'InProgress',
        cancelledExecutionIds: [],
      });
    });

    it('--wait follows the progress and exits 0 when the execution is Complete', async () => {
      const known = await knownExecutions();
      const running = follow(['schedule', 'start', scheduleId, '--wait', '--timeout', '60']);
      const executionId = await newExecution(known);
      await running.printed('Step 1 of 2: HR Run - Delta Import\n');
      await t.db.query(
        `UPDATE schedule_execution_steps SET status = 'Completed', started_at = now(), completed_at = now() WHERE execution_id = $1 AND group_ordinal = 0`,
        [executionId],
      );
      await t.db.query(`UPDATE schedule_executions SET current_step_index = 1 WHERE id = $1`, [executionId]);
      await running.printed('Step 2 of 2: Notify\n');
      await t.db.query(
        `UPDATE schedule_execution_steps SET status = 'Completed', started_at = now(), completed_at = now() WHERE execution_id = $1`,
        [executionId],
      );
      await t.db.query(`UPDATE schedule_executions SET status = 'Complete', completed_at = now() WHERE id = $1`, [executionId]);

      const result = await running.done;
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe(`Schedule 'CLI Run' started successfully. Execution: ${executionId}`);
      expect(lines).toContain('Step 1 of 2: HR Run - Delta Import');
      expect(lines).toContain('Step 2 of 2: Notify');
      expect(lines.indexOf('Step 1 of 2: HR Run - Delta Import')).toBeLessThan(lines.indexOf('Step 2 of 2: Notify'));
      expect(new Set(lines).size).toBe(lines.length);
      expect(lastLine(result.stdout)).toMatch(new RegExp(`^Execution ${executionId} Complete after \\d`));
      expect(result.stderr).toBe('');
    });

    it('--wait exits 1 with the error message when the execution Failed', async () => {
      const known = await knownExecutions();
      const running = follow(['schedule', 'start', scheduleId, '--wait']);
      const executionId = await newExecution(known);
      await running.printed('Step 1 of 2');
      await t.db.query(`UPDATE schedule_execution_steps SET status = 'Failed', error_message = 'exit code 2' WHERE execution_id = $1 AND group_ordinal = 0`, [executionId]);
      await t.db.query(
        `UPDATE schedule_executions SET status = 'Failed', completed_at = now(), error_message = $2 WHERE id = $1`,
        [executionId, "Step 'HR Run - Delta Import' failed and ContinueOnFailure is false."],
      );
      const result = await running.done;
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^Execution ${executionId} Failed after .+: Step 'HR Run - Delta Import' failed and ContinueOnFailure is false\\.\\n$`),
      );

      const listed = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--status', 'failed']);
      expect(listed.map((e) => e.id)).toEqual([executionId]);
    });

    it('--wait --json prints the finished execution; a timeout exits 3 and leaves it running', async () => {
      const result = await jim(['schedule', 'start', scheduleId, '--wait', '--timeout', '1', '--json']);
      expect(result.code).toBe(3);
      const execution = JSON.parse(result.stdout);
      expect(execution).toMatchObject({ scheduleId, status: 'InProgress', progress: { currentStepNumber: 1, totalSteps: 2 } });
      expect(result.stderr).toContain('Step 1 of 2: HR Run - Delta Import');
      expect(lastLine(result.stderr)).toMatch(/^Timed out after 1 s waiting for execution .* It keeps running/);
    });

    it('lists executions as a table and as JSON', async () => {
      const stdout = await ok(['execution', 'list', '--schedule-id', scheduleId]);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+SCHEDULE\s+STATUS\s+PROGRESS\s+TRIGGER\s+QUEUED\s+DURATION\s+ERROR$/);
      expect(lines).toHaveLength(6);
      expect(lines.filter((l) => /\bComplete\b/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /\bFailed\b.*ContinueOnFailure/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /CLI Run\s+InProgress\s+Step 1 of 2\s+Manual/.test(l))).toHaveLength(3);

      const all = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId]);
      expect(all).toHaveLength(5);
      expect(all.map((e) => e.queuedAt)).toEqual([...all.map((e) => e.queuedAt)].sort().reverse());
      expect(await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--limit', '2'])).toHaveLength(2);
      expect(await ok(['execution', 'list', '--status', 'Cancelled'])).toBe('No executions.\n');
      const badStatus = await jim(['execution', 'list', '--status', 'Done']);
      expect(badStatus.code).toBe(1);
      expect(badStatus.stderr).toContain('must be one of Queued, InProgress, Complete, Failed, Cancelled');
    });

    it('gets an execution with its progress and steps', async () => {
      const [active] = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--status', 'InProgress', '--limit', '1']);
      const stdout = await ok(['execution', 'get', active.id]);
      expect(stdout).toMatch(new RegExp(`^ID:\\s+${active.id}$`, 'm'));
      expect(stdout).toMatch(/^Status:\s+InProgress$/m);
      expect(stdout).toContain('\nStep 1 of 2: HR Run - Delta Import\n');
      expect(stdout).toMatch(/^STEP\s+INDEX\s+NAME\s+TYPE\s+STATUS\s+ATTEMPT\s+STARTED\s+DURATION\s+EXIT\s+ERROR$/m);
      expect(stdout).toMatch(/^\s+2\s+1\s+Notify\s+Executable\s+Pending/m);
      const detail = await json(['execution', 'get', active.id]);
      expect(detail).toMatchObject({ id: active.id, steps: [{ name: 'HR Run - Delta Import' }, { name: 'Notify' }] });
    });

    it('waits for an execution started earlier', async () => {
      const [complete] = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--status', 'Complete']);
      const done = await jim(['execution', 'wait', complete.id]);
      expect(done.code).toBe(0);
      expect(done.stdout).toMatch(new RegExp(`^Execution ${complete.id} Complete after .+\\n$`));

      const [active] = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--status', 'InProgress', '--limit', '1']);
      const pending = await jim(['execution', 'wait', active.id, '--timeout', '1']);
      expect(pending.code).toBe(3);
      expect(pending.stdout).toBe('Step 1 of 2: HR Run - Delta Import\n');
      expect(pending.stderr).toContain(`Timed out after 1 s waiting for execution ${active.id}`);
    });

    it('stops an execution: refuses without a terminal, then cancels with --force', async () => {
      const [active] = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--status', 'InProgress', '--limit', '1']);
      const refused = await jim(['execution', 'stop', active.id]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`Refusing to stop execution ${active.id} of schedule 'CLI Run' (InProgress)`);

      const stdout = await ok(['execution', 'stop', active.id, '--force']);
      expect(stdout.split('\n')[0]).toBe(`Execution ${active.id} Cancelled.`);
      expect(stdout).toMatch(/^Error:\s+Cancelled by user$/m);

      const again = await jim(['execution', 'stop', active.id, '--force']);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe('JIM API error (BAD_REQUEST): Cannot cancel execution with status: Cancelled\n');

      const [other] = await json<any[]>(['execution', 'list', '--schedule-id', scheduleId, '--status', 'InProgress', '--limit', '1']);
      expect(await json(['execution', 'stop', other.id, '--force'])).toMatchObject({ id: other.id, status: 'Cancelled' });
    });

    it('reports an unknown execution', async () => {
      const unknown = '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1';
      const result = await jim(['execution', 'get', unknown]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`JIM API error (NOT_FOUND): Schedule execution not found: ${unknown}\n`);
    });
  });
});
