import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

describe('JIM_ALLOWED_SCRIPT_ROOTS', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ JIM_ALLOWED_SCRIPT_ROOTS: '/opt/jim/scripts:/usr/local/jim' })));
  afterAll(() => t.close());

  it('accepts paths inside the allowed roots', async () => {
    await t.api()
      .post('/api/v1/schedules')
      .send({
        name: 'Inside roots',
        steps: [
          { stepIndex: 0, stepType: 'PowerShell', scriptPath: '/opt/jim/scripts/a.ps1' },
          { stepIndex: 1, stepType: 'Executable', executablePath: '/usr/local/jim/bin/tool', workingDirectory: '/opt/jim/scripts' },
          { stepIndex: 2, stepType: 'SqlScript', sqlConnectionString: 'postgres://u:p@h/db', sqlScriptPath: '/opt/jim/scripts/x.sql' },
        ],
      })
      .expect(201);
  });

  it('takes a relative path relative to the step\'s working directory, not the API\'s', async () => {
    await t.api()
      .post('/api/v1/schedules')
      .send({
        name: 'Relative paths',
        steps: [
          { stepIndex: 0, stepType: 'Executable', executablePath: './bin/tool', workingDirectory: '/opt/jim/scripts' },
          { stepIndex: 1, stepType: 'PowerShell', scriptPath: 'a.ps1', workingDirectory: '/opt/jim/scripts' },
        ],
      })
      .expect(201);
  });

  it.each([
    ['PowerShell', { scriptPath: '/tmp/evil.ps1' }, 'scriptPath'],
    ['Executable', { executablePath: '/bin/sh' }, 'executablePath'],
    ['Executable', { executablePath: '/opt/jim/scripts/../../../bin/sh' }, 'executablePath'],
    ['Executable', { executablePath: '/opt/jim/scriptsX/tool' }, 'executablePath'],
    ['Executable', { executablePath: '/opt/jim/scripts/tool', workingDirectory: '/etc' }, 'workingDirectory'],
    ['SqlScript', { sqlConnectionString: 'postgres://u:p@h/db', sqlScriptPath: '/etc/passwd' }, 'sqlScriptPath'],
  ])('rejects a %s step with %j outside the roots', async (stepType, fields, field) => {
    const res = await t.api()
      .post('/api/v1/schedules')
      .send({ name: `Outside ${field} ${Math.random()}`, steps: [{ stepIndex: 0, stepType, ...fields }] })
      .expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors[`steps[0].${field}`][0]).toMatch(/outside the allowed script roots/);
  });
});

describe('JIM_ALLOWED_SCRIPT_ROOTS: paths as the worker uses them', () => {
  let t: TestApp;
  const root = mkdtempSync(join(tmpdir(), 'jim-roots-'));
  beforeAll(async () => {
    mkdirSync(join(root, 'bin'));
    symlinkSync('/etc', join(root, 'etc-link'));
    // The API's own directory is a root too: a bare name must not be checked as if it lived there.
    t = await createTestApp({ JIM_ALLOWED_SCRIPT_ROOTS: `${root}:${process.cwd()}` });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each([
    [{ executablePath: 'sh' }, 'executablePath', /^path 'sh' \(\/(usr\/)?bin\/sh\) is outside the allowed script roots$/],
    [{ executablePath: 'no-such-command-anywhere' }, 'executablePath', /^command 'no-such-command-anywhere' was not found on PATH/],
    [{ executablePath: `${root}/bin/tool`, workingDirectory: `${root}/etc-link` }, 'workingDirectory', /is outside the allowed script roots$/],
  ])('rejects %j', async (fields, field, message) => {
    const res = await t.api()
      .post('/api/v1/schedules')
      .send({ name: `Outside ${field} ${Math.random()}`, steps: [{ stepIndex: 0, stepType: 'Executable', ...fields }] })
      .expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors[`steps[0].${field}`][0]).toMatch(message);
  });
});
