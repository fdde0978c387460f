import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestApp, ENCRYPTION_KEY, type TestApp } from '../support/test-app';

const COMMAND = join(__dirname, '..', '..', 'dist/apps/api/src/api-keys/create-api-key.cli.js');
const run = promisify(execFile);

describe('npm run apikey:create', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const env = () => ({ PATH: process.env.PATH, NODE_ENV: 'test', DATABASE_URL: t.databaseUrl, JIM_ENCRYPTION_KEY: ENCRYPTION_KEY });

  it('prints a new Administrator key that works, and stores only its hash', async () => {
    const { stdout, stderr } = await run(process.execPath, [COMMAND, '--name', 'Ops laptop', '--role', 'Administrator'], { env: env() });
    const key = stdout.trim();
    expect(key).toMatch(/^jim_ak_[0-9a-f]{64}$/);
    expect(stderr).toContain("Created API key 'Ops laptop' (Administrator)");
    await request(t.http).get('/api/v1/schedules').set('X-API-Key', key).expect(200);
    const rows = await t.db.query(`SELECT roles FROM api_keys WHERE name = 'Ops laptop'`);
    expect(rows).toEqual([{ roles: ['Administrator'] }]);
  });

  it('refuses an unknown role and a missing name with a non-zero exit', async () => {
    await expect(run(process.execPath, [COMMAND, '--name', 'x', '--role', 'Root'], { env: env() })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('must be one of Administrator, User'),
    });
    await expect(run(process.execPath, [COMMAND, '--role', 'User'], { env: env() })).rejects.toMatchObject({
      stderr: expect.stringContaining("required option '--name <name>'"),
    });
  });
});
