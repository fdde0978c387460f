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
