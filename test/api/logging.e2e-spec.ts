import { Logger as NestLogger } from '@nestjs/common';
import { createProcessLogger } from '@jim/common';
import { Logger as JsonLogger, PinoLogger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { API_ENTRY, startProcess, waitFor, type RunningProcess } from '../support/processes';
import { createTestApp, ENCRYPTION_KEY, REDIS_URL, type TestApp } from '../support/test-app';

/** Environment of a built API process on the test app's database and queues. */
function apiEnv(t: TestApp, extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: t.databaseUrl,
    QUEUE_BACKEND: t.config.queueBackend,
    ...(t.config.queueBackend === 'redis' ? { REDIS_URL } : {}),
    JIM_QUEUE_PREFIX: t.config.queuePrefix,
    JIM_ENCRYPTION_KEY: ENCRYPTION_KEY,
    JIM_RATE_LIMIT_ENABLED: 'false',
    HOST: '127.0.0.1',
    PORT: '0',
    ...extra,
  };
}

type LogLine = Record<string, any>;

function jsonLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as LogLine);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const secret = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

describe('API logs (built API process)', () => {
  let t: TestApp;
  let api: RunningProcess;
  let base: string;
  const bearer = secret('bearer-token');
  const cookie = secret('session-cookie');
  const sqlPassword = secret('Sql-Pa55');
  const wrongKey = `jim_ak_${randomBytes(32).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestApp();
    api = await startProcess(API_ENTRY, apiEnv(t, { LOG_LEVEL: 'info' }), /Listening on http/);
    const port = /Listening on http:\/\/[\d.]+:(\d+)/.exec(api.output())![1];
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await api?.stop();
    await t.close();
  });

  it('writes JSON lines only: one access line per request with its request id, and no secret anywhere', async () => {
    const withSecrets = (test: request.Test, id: string) =>
      test.set('X-API-Key', t.adminKey).set('Authorization', `Bearer ${bearer}`).set('Cookie', `session=${cookie}`).set('X-Request-Id', id);

    await withSecrets(request(base).get('/api/v1/schedules'), 'log-list').expect(200);
    const sqlStep = {
      stepIndex: 0,
      stepType: 'SqlScript',
      name: 'Nightly SQL',
      sqlConnectionString: `postgresql://jim:${sqlPassword}@db.internal:5432/app`,
      sqlScriptPath: '/opt/jim/nightly.sql',
    };
    const created = await withSecrets(request(base).post('/api/v1/schedules'), 'log-create').send({ name: 'Logged', steps: [sqlStep] }).expect(201);
    expect(JSON.stringify(created.body)).not.toContain(sqlPassword);
    // Error paths: a conflict, a validation error, malformed JSON and a wrong key, all carrying the secrets.
    await withSecrets(request(base).post('/api/v1/schedules'), 'log-conflict').send({ name: 'Logged', steps: [sqlStep] }).expect(409);
    await withSecrets(request(base).post('/api/v1/schedules'), 'log-invalid')
      .send({ name: 'Bad', steps: [{ ...sqlStep, sqlConnectionString: `Server=db;User Id=jim;Password=${sqlPassword}`, timeoutSeconds: -1 }] })
      .expect(400);
    await withSecrets(request(base).post('/api/v1/schedules'), 'log-malformed')
      .set('Content-Type', 'application/json')
      .send(`{"name":"x","steps":[{"sqlConnectionString":"postgresql://jim:${sqlPassword}@db/app"`)
      .expect(400);
    await request(base).get('/api/v1/schedules').set('X-API-Key', wrongKey).set('X-Request-Id', 'log-unauthorised').expect(401);

    const ids = ['log-list', 'log-create', 'log-conflict', 'log-invalid', 'log-malformed', 'log-unauthorised'];
    const access = await waitFor(async () => {
      const lines = jsonLines(api.output()).filter((l) => l.msg === 'request completed' && ids.includes(l.req?.id));
      return lines.length === ids.length ? lines : undefined;
    }, 10_000);

    const output = api.output();
    for (const value of [t.adminKey, wrongKey, bearer, cookie, sqlPassword]) expect(output).not.toContain(value);
    const lines = jsonLines(output); // throws on any line that is not JSON

    const byId = Object.fromEntries(access.map((l) => [l.req.id, l]));
    expect(byId['log-list']).toMatchObject({
      level: 'info',
      name: 'jim-api',
      route: '/api/v1/schedules',
      req: { method: 'GET', url: '/api/v1/schedules', headers: { 'x-api-key': '[REDACTED]', authorization: '[REDACTED]', cookie: '[REDACTED]' } },
      res: { statusCode: 200, headers: { 'x-request-id': 'log-list' } },
      responseTime: expect.any(Number),
    });
    expect(byId['log-create']).toMatchObject({ level: 'info', res: { statusCode: 201 } });
    expect(byId['log-conflict']).toMatchObject({ level: 'warn', res: { statusCode: 409 } });
    expect(byId['log-invalid']).toMatchObject({ level: 'warn', res: { statusCode: 400 } });
    expect(byId['log-malformed']).toMatchObject({ level: 'warn', res: { statusCode: 400 }, route: 'unmatched' });
    expect(byId['log-unauthorised']).toMatchObject({ level: 'warn', res: { statusCode: 401 }, req: { headers: { 'x-api-key': '[REDACTED]' } } });
    // Nest's own lines are JSON too, with their context as a field.
    expect(lines).toContainEqual(expect.objectContaining({ context: 'Api', msg: expect.stringMatching(/^Listening on http/), port: expect.any(Number) }));
  });

  it('redacts keys, tokens and secrets sent in the query string, and anything shaped like an API key', async () => {
    const queryKey = `jim_ak_${randomBytes(32).toString('hex')}`;
    const token = secret('tok');
    const password = secret('pw');
    await request(base)
      .get(`/api/v1/schedules?apiKey=${queryKey}&token=${token}&search=x&Client_Secret=${password}&note=${queryKey}`)
      .set('X-Request-Id', 'log-query-key')
      .expect(401);
    // A key in a header of any name, or as the request id (which is echoed in the response), is not logged either.
    const echoed = await request(base).get('/api/v1/schedules?search=y').set('X-Request-Id', queryKey).set('X-Auth-Token', token).set('X-Note', `key ${queryKey}`).expect(401);
    expect(echoed.headers['x-request-id']).toBe(queryKey);
    const completed = () => jsonLines(api.output()).filter((l) => l.msg === 'request completed');
    const line = await waitFor(async () => completed().find((l) => l.req?.id === 'log-query-key'), 10_000);
    const echoLine = await waitFor(async () => completed().find((l) => l.req?.url === '/api/v1/schedules?search=y'), 10_000);

    const output = api.output();
    for (const value of [queryKey, queryKey.slice(7), token, password]) expect(output).not.toContain(value);
    expect(line.req.url).toBe('/api/v1/schedules?apiKey=***&token=***&search=x&Client_Secret=***&note=jim_ak_***');
    expect(line.req.query).toEqual({ apiKey: '[REDACTED]', token: '[REDACTED]', search: 'x', Client_Secret: '[REDACTED]', note: 'jim_ak_***' });
    expect(echoLine.req).toMatchObject({ id: 'jim_ak_***', headers: { 'x-auth-token': '[REDACTED]', 'x-note': 'key jim_ak_***', 'x-request-id': 'jim_ak_***' } });
    expect(echoLine.res.headers['x-request-id']).toBe('jim_ak_***');
  });

  it('answers unknown, disabled and expired keys alike, and logs the reason with the key prefix only', async () => {
    const disabled = await createApiKey(t.db, { name: 'log disabled', roles: ['Administrator'], isEnabled: false });
    const expired = await createApiKey(t.db, { name: 'log expired', roles: ['Administrator'], expiresAt: new Date(Date.now() - 1000) });
    const unknown = `jim_ak_${randomBytes(32).toString('hex')}`;
    const bodies = [];
    for (const key of [unknown, disabled.key, expired.key]) {
      const res = await request(base).get('/api/v1/schedules').set('X-API-Key', key).expect(401);
      const { timestamp: _timestamp, ...rest } = res.body;
      bodies.push(rest);
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]).toMatchObject({ code: 'UNAUTHORISED', details: 'Invalid API key' });

    const refusals = await waitFor(async () => {
      const lines = jsonLines(api.output()).filter((l) => l.context === 'Auth' && [unknown, disabled.key, expired.key].some((k) => l.keyPrefix === k.slice(0, 12)));
      return lines.length === 3 ? lines : undefined;
    }, 10_000);
    expect(refusals.map((l) => [l.level, l.keyPrefix, l.reason])).toEqual([
      ['warn', unknown.slice(0, 12), 'unknown'],
      ['warn', disabled.key.slice(0, 12), 'disabled'],
      ['warn', expired.key.slice(0, 12), 'expired'],
    ]);
    for (const key of [unknown, disabled.key, expired.key]) expect(api.output()).not.toContain(key);
  });

  it('keeps probe and scrape requests out of the info log', async () => {
    await request(base).get('/health/live').set('X-Request-Id', 'probe-live').expect(200);
    await request(base).get('/metrics').set('X-Request-Id', 'probe-metrics').expect(200);
    await request(base).get('/api/v1/schedules').set('X-API-Key', t.adminKey).set('X-Request-Id', 'after-probes').expect(200);
    await waitFor(async () => jsonLines(api.output()).some((l) => l.req?.id === 'after-probes'), 10_000);
    expect(jsonLines(api.output()).filter((l) => ['probe-live', 'probe-metrics'].includes(l.req?.id))).toEqual([]);
  });

  it('writes nothing at all with LOG_LEVEL=silent', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [API_ENTRY], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...apiEnv(t, { LOG_LEVEL: 'silent', PORT: String(port) }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 30_000, 200);
      await fetch(`http://127.0.0.1:${port}/api/v1/schedules`, { headers: { 'X-API-Key': wrongKey } });
      await fetch(`http://127.0.0.1:${port}/api/v1/schedules`, { headers: { 'X-API-Key': t.adminKey } });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).toBe('');
  });
});

describe('Process logger', () => {
  function capture(): { lines: () => LogLine[]; stream: Writable } {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    return { lines: () => jsonLines(text), stream };
  }

  it('masks connection-string passwords in messages, string fields and errors, and drops secret fields', () => {
    const { lines, stream } = capture();
    const logger = createProcessLogger({ name: 'jim-test', level: 'info' }, stream);
    const error = Object.assign(new Error('connect failed for postgres://jim:hunter2@db/app'), { parameters: ['hunter2'] });

    logger.info('Connecting with Server=db;Password=hunter2;Database=x');
    logger.warn({ target: 'mysql://root:hunter2@db:3306/x', err: error }, 'Query failed');
    logger.info({ sqlConnectionString: 'Password=hunter2', nested: { password: 'hunter2', sqlConnectionString: 'x' } }, 'Step saved');
    logger.info('Interpolated %s', 'postgres://a:hunter2@b/c');

    expect(JSON.stringify(lines())).not.toContain('hunter2');
    const [first, second, third, fourth] = lines();
    expect(first.msg).toBe('Connecting with Server=db;Password=***;Database=x');
    expect(second.target).toBe('mysql://root:***@db:3306/x');
    expect(second.err).toMatchObject({ type: 'Error', message: 'connect failed for postgres://jim:***@db/app', parameters: '[REDACTED]' });
    expect(second.err.stack).toContain('postgres://jim:***@db/app');
    expect(third).toMatchObject({ sqlConnectionString: '[REDACTED]', nested: { password: '[REDACTED]', sqlConnectionString: '[REDACTED]' } });
    expect(fourth.msg).toBe('Interpolated postgres://a:***@b/c');
  });

  it('masks API keys and secret query parameters in messages, string fields and errors', () => {
    const { lines, stream } = capture();
    const logger = createProcessLogger({ name: 'jim-test', level: 'info' }, stream);
    const key = `jim_ak_${randomBytes(32).toString('hex')}`;

    logger.info(`Called /api/v1/schedules?page=2&access_token=t0ken&PWD=pw1&search=x with ${key}`);
    logger.warn({ target: `https://jim.example/api?apikey=${key}&q=1`, keyPrefix: key.slice(0, 12), err: new Error(`bad ${key}`) }, 'Refused');

    const text = JSON.stringify(lines());
    for (const value of [key, key.slice(7, 30), 't0ken', 'pw1']) expect(text).not.toContain(value);
    const [first, second] = lines();
    expect(first.msg).toBe('Called /api/v1/schedules?page=2&access_token=***&PWD=***&search=x with jim_ak_***');
    expect(second).toMatchObject({ target: 'https://jim.example/api?apikey=***&q=1', keyPrefix: key.slice(0, 12), err: { message: 'bad jim_ak_***' } });
  });

  it('turns `new Logger(context)` calls with an object and a message into JSON fields', () => {
    const { lines, stream } = capture();
    const logger = createProcessLogger({ name: 'jim-test', level: 'info' }, stream);
    const params = { pinoHttp: { logger } };
    // nestjs-pino keeps one logger per process for lines outside a request; this test brings its own.
    __resetOutOfContextForTests();
    NestLogger.overrideLogger(new JsonLogger(new PinoLogger(params), params));
    try {
      new NestLogger('Ticks').warn({ scheduleId: 's-1', err: new Error('boom') }, 'Skipped a tick');
      new NestLogger('Api').log('Plain message');
    } finally {
      NestLogger.overrideLogger(false);
    }
    const [warn, plain] = lines();
    expect(warn).toMatchObject({ level: 'warn', context: 'Ticks', scheduleId: 's-1', err: { type: 'Error', message: 'boom' }, msg: 'Skipped a tick' });
    expect(plain).toMatchObject({ level: 'info', context: 'Api', msg: 'Plain message' });
  });
});
