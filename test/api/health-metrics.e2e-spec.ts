import { randomUUID } from 'node:crypto';
import net from 'node:net';
import request from 'supertest';
import { waitFor } from '../support/processes';
import { createTestApp, type TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A TCP pass-through to PostgreSQL that can refuse connections (the database is down) or swallow them (the database
 * hangs: connections are accepted and never answered).
 */
class FaultyProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'pass' | 'hang' = 'pass';
  port = 0;

  async start(port = this.port): Promise<void> {
    this.server = net.createServer((client) => {
      this.track(client);
      if (this.mode === 'hang') return;
      const upstream = this.track(net.connect(5432, '127.0.0.1'));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Cuts every open connection; new ones are then refused (`stop`) or held unanswered (`hang`). */
  cut(mode: 'refuse' | 'hang'): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (mode === 'hang') {
      this.mode = 'hang';
      return Promise.resolve();
    }
    return this.stop();
  }

  async restore(): Promise<void> {
    this.mode = 'pass';
    for (const s of this.sockets) s.destroy();
    if (!this.server) await this.start(this.port);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private track(socket: net.Socket): net.Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  }
}

describe('Health and metrics (API)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health/live answers 200 { status: "ok" } without an API key', async () => {
    const res = await request(t.http).get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('GET /health/ready answers 200 with the database and queue checks up, without an API key', async () => {
    const res = await request(t.http).get('/health/ready').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up', durationMs: expect.any(Number) },
        queue: { status: 'up', durationMs: expect.any(Number) },
      },
      backlog: { status: 'ok', thresholdSeconds: 30, oldestWaitingSeconds: 0 },
    });
  });

  it('echoes a well-formed X-Request-Id, and gives every other request a new one', async () => {
    const kept = await request(t.http).get('/health/live').set('X-Request-Id', 'trace-4bf92f3577b34da6:01').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-4bf92f3577b34da6:01');

    const generated = await t.api().get('/api/v1/schedules').expect(200);
    expect(generated.headers['x-request-id']).toMatch(UUID);

    const replaced = await request(t.http).get('/health/live').set('X-Request-Id', 'not ok <script>').expect(200);
    expect(replaced.headers['x-request-id']).toMatch(UUID);
    const tooLong = await request(t.http).get('/health/live').set('X-Request-Id', 'a'.repeat(129)).expect(200);
    expect(tooLong.headers['x-request-id']).toMatch(UUID);

    // Requests the body parser rejects, and unauthenticated ones, get one too.
    const malformed = await t.api().post('/api/v1/schedules').set('Content-Type', 'application/json').set('X-Request-Id', 'bad-json-1').send('{oops');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['x-request-id']).toBe('bad-json-1');
    const unauthorised = await request(t.http).get('/api/v1/schedules').expect(401);
    expect(unauthorised.headers['x-request-id']).toMatch(UUID);
  });

  it('GET /metrics (no key) has http_request_duration_seconds labelled by route pattern, never by raw URL', async () => {
    const created = await t.api().post('/api/v1/schedules').send({ name: `Metrics ${randomUUID()}` }).expect(201);
    const id: string = created.body.id;
    await t.api().get(`/api/v1/schedules/${id}`).expect(200);
    const missing = randomUUID();
    await t.api().get(`/api/v1/schedules/${missing}`).expect(404);
    await t.api().get(`/no/such/${missing}`).expect(404);

    const res = await request(t.http).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/schedules\/:id",status="200"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/schedules\/:id",status="404"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0\.5",method="POST",route="\/api\/v1\/schedules",status="201"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).not.toContain(id);
    expect(text).not.toContain(missing);
    // Node's default metrics are there too.
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe('Readiness during a database outage (API)', () => {
  const proxy = new FaultyProxy();
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    t = await createTestApp({}, {
      connectThrough: (url) => {
        const u = new URL(url);
        u.port = String(proxy.port);
        return u.toString();
      },
    });
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.stop();
  });

  function expectDownBody(body: Record<string, unknown>, reason: 'error' | 'timeout'): void {
    const checks = body.checks as Record<string, Record<string, unknown>>;
    expect(body.status).toBe('error');
    expect(Object.keys(body).sort()).toEqual(['backlog', 'checks', 'status']);
    expect(checks.database).toMatchObject({ status: 'down', reason, durationMs: expect.any(Number) });
    // Only a reason and, at most, a driver error code: no error text, no stack, not the error body of the API.
    expect(Object.keys(checks.database).sort()).toEqual(expect.arrayContaining(['durationMs', 'reason', 'status']));
    expect(Object.keys(checks.database).filter((k) => !['durationMs', 'reason', 'status', 'code'].includes(k))).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/stack|message|127\.0\.0\.1|postgres/i);
  }

  it('answers 503 naming the database when it refuses connections, stays live, then recovers', async () => {
    await request(t.http).get('/health/ready').expect(200);
    await proxy.cut('refuse');

    const started = Date.now();
    const res = await request(t.http).get('/health/ready');
    expect(res.status).toBe(503);
    expectDownBody(res.body, 'error');
    expect(Date.now() - started).toBeLessThan(3000);
    await request(t.http).get('/health/live').expect(200, { status: 'ok' });

    await proxy.restore();
    await waitFor(async () => (await request(t.http).get('/health/ready')).status === 200, 15_000);
  });

  it('answers 503 within the 2 s check timeout when the database accepts connections but never answers', async () => {
    await request(t.http).get('/health/ready').expect(200);
    await proxy.cut('hang');

    const started = Date.now();
    const res = await request(t.http).get('/health/ready');
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expectDownBody(res.body, 'timeout');
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(3500);

    // Probing again while the first database check still hangs joins it instead of piling up queries.
    const again = await request(t.http).get('/health/ready');
    expect(again.status).toBe(503);

    await proxy.restore();
    await waitFor(async () => (await request(t.http).get('/health/ready')).status === 200, 15_000);
  });
});
