import request from 'supertest';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

describe('Authentication and roles', () => {
  let t: TestApp;
  let userKey: string;
  let disabledKey: string;
  let expiredKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    userKey = (await createApiKey(t.db, { name: 'user', roles: ['User'] })).key;
    disabledKey = (await createApiKey(t.db, { name: 'disabled', roles: ['Administrator'], isEnabled: false })).key;
    expiredKey = (await createApiKey(t.db, { name: 'expired', roles: ['Administrator'], expiresAt: new Date(Date.now() - 1000) })).key;
  });
  afterAll(() => t.close());

  const routes: [string, string][] = [
    ['get', '/api/v1/schedules'],
    ['post', '/api/v1/schedules'],
    ['get', '/api/v1/schedules/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'],
    ['put', '/api/v1/schedules/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'],
    ['delete', '/api/v1/schedules/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'],
    ['post', '/api/v1/schedules/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1/enable'],
    ['post', '/api/v1/schedules/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1/disable'],
    ['get', '/api/v1/schedules/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1/next-runs'],
    ['get', '/api/v1/synchronisation/connected-systems'],
    ['post', '/api/v1/synchronisation/connected-systems'],
    ['get', '/api/v1/synchronisation/connected-systems/1'],
    ['delete', '/api/v1/synchronisation/connected-systems/1'],
    ['get', '/api/v1/synchronisation/connected-systems/1/run-profiles'],
    ['post', '/api/v1/synchronisation/connected-systems/1/run-profiles'],
    ['delete', '/api/v1/synchronisation/connected-systems/1/run-profiles/1'],
    ['get', '/api/v1/apikeys'],
    ['post', '/api/v1/apikeys'],
    ['get', '/api/v1/apikeys/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'],
    ['put', '/api/v1/apikeys/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'],
    ['delete', '/api/v1/apikeys/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1'],
  ];

  const send = (method: string, path: string, key?: string) => {
    const r = (request(t.http) as unknown as Record<string, (p: string) => request.Test>)[method](path);
    return key === undefined ? r : r.set('X-API-Key', key);
  };

  it.each(routes)('%s %s: no key → 401 UNAUTHORISED', async (method, path) => {
    const res = await send(method, path);
    expect(res.status).toBe(401);
    expectErrorBody(res.body, 'UNAUTHORISED');
    expect(res.body.message).toBe('Authentication required');
  });

  it.each(routes)('%s %s: garbage, unknown, disabled, expired keys → 401', async (method, path) => {
    const garbage = await send(method, path, 'garbage');
    expect(garbage.status).toBe(401);
    expectErrorBody(garbage.body, 'UNAUTHORISED');
    expect(garbage.body).toMatchObject({ message: 'Authentication required', details: 'Invalid API key format' });
    // An unknown, a disabled and an expired key get the very same body: a caller learns nothing about which keys exist.
    const unknown = 'jim_ak_' + 'f'.repeat(64);
    const bodies = [];
    for (const key of [unknown, disabledKey, expiredKey]) {
      const res = await send(method, path, key);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'UNAUTHORISED');
      const { timestamp: _timestamp, ...rest } = res.body;
      bodies.push(rest);
    }
    expect(bodies[0]).toEqual({ code: 'UNAUTHORISED', message: 'Authentication required', details: 'Invalid API key', validationErrors: null });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it.each(routes)('%s %s: User role → 403 FORBIDDEN', async (method, path) => {
    const res = await send(method, path, userKey);
    expect(res.status).toBe(403);
    expectErrorBody(res.body, 'FORBIDDEN');
    expect(res.body.message).toBe('Insufficient permissions (Administrator role required)');
  });

  it('accepts the header name in any case and records when a key was last used', async () => {
    await request(t.http).get('/api/v1/schedules').set('x-api-KEY', t.adminKey).expect(200);
    await new Promise((r) => setTimeout(r, 100));
    const [row] = await t.db.query(`SELECT last_used_at FROM api_keys WHERE name = 'Test administrator'`);
    expect(row.last_used_at).not.toBeNull();
  });

  it('stores keys only as SHA-256 hashes', async () => {
    const rows: { key_hash: string; key_prefix: string }[] = await t.db.query(`SELECT key_hash, key_prefix FROM api_keys`);
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_prefix).toMatch(/^jim_ak_[0-9a-f]{5}$/);
    }
    const all = JSON.stringify(rows);
    expect(all).not.toContain(t.adminKey);
  });
});
