import request from 'supertest';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

describe('Database outage', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
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
    await t.close();
    await proxy.stop();
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After while the database is unreachable, then recovers', async () => {
    await t.api().get('/api/v1/schedules').expect(200);
    await proxy.stop();

    for (const send of [
      () => t.api().get('/api/v1/schedules'),
      () => t.api().post('/api/v1/schedules').send({ name: 'During outage' }),
      () => request(t.http).get('/api/v1/schedules').set('X-API-Key', t.adminKey),
    ]) {
      const started = Date.now();
      const res = await send();
      expect(res.status).toBe(503);
      expectErrorBody(res.body, 'SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('5');
      expect(Date.now() - started).toBeLessThan(15_000);
    }

    await proxy.start(proxy.port);
    const back = await t.api().get('/api/v1/schedules');
    expect(back.status).toBe(200);
  });
});
