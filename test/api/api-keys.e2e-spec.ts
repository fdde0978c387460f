import request from 'supertest';
import { ensureInfrastructureKey } from '../../apps/api/src/api-keys/api-keys.service';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

describe('/api/v1/apikeys', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('creates a key, returns it once, and the key works', async () => {
    const res = await t.api().post('/api/v1/apikeys').send({ name: 'CI pipeline', roles: ['Administrator'], description: 'for CI' }).expect(201);
    expect(res.body.key).toMatch(/^jim_ak_[0-9a-f]{64}$/);
    expect(res.body).toMatchObject({
      name: 'CI pipeline',
      description: 'for CI',
      roles: ['Administrator'],
      isEnabled: true,
      expiresAt: null,
      keyPrefix: res.body.key.slice(0, 12),
    });
    await request(t.http).get('/api/v1/schedules').set('X-API-Key', res.body.key).expect(200);

    const list = await t.api().get('/api/v1/apikeys').expect(200);
    const listed = list.body.find((k: { id: string }) => k.id === res.body.id);
    expect(listed).toBeDefined();
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    expect(JSON.stringify(list.body)).not.toMatch(/[0-9a-f]{64}/);

    const got = await t.api().get(`/api/v1/apikeys/${res.body.id}`).expect(200);
    expect(got.body.key).toBeUndefined();
    expect(got.body.lastUsedAt === null || typeof got.body.lastUsedAt === 'string').toBe(true);
  });

  it('updates name, roles, enabled and expiry; a disabled key stops working at once', async () => {
    const created = await t.api().post('/api/v1/apikeys').send({ name: 'temp', roles: ['Administrator'] }).expect(201);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const updated = await t.api()
      .put(`/api/v1/apikeys/${created.body.id}`)
      .send({ name: 'renamed', roles: ['User'], expiresAt })
      .expect(200);
    expect(updated.body).toMatchObject({ name: 'renamed', roles: ['User'], expiresAt });
    const forbidden = await request(t.http).get('/api/v1/schedules').set('X-API-Key', created.body.key).expect(403);
    expectErrorBody(forbidden.body, 'FORBIDDEN');

    await t.api().put(`/api/v1/apikeys/${created.body.id}`).send({ roles: ['Administrator'], isEnabled: false }).expect(200);
    const refused = await request(t.http).get('/api/v1/schedules').set('X-API-Key', created.body.key).expect(401);
    expect(refused.body.details).toBe('Invalid API key');
  });

  it('deletes a key; it no longer authenticates; a second delete is 404', async () => {
    const created = await t.api().post('/api/v1/apikeys').send({ name: 'short-lived', roles: ['Administrator'] }).expect(201);
    await t.api().delete(`/api/v1/apikeys/${created.body.id}`).expect(204);
    await request(t.http).get('/api/v1/schedules').set('X-API-Key', created.body.key).expect(401);
    const again = await t.api().delete(`/api/v1/apikeys/${created.body.id}`).expect(404);
    expectErrorBody(again.body, 'NOT_FOUND');
  });

  it.each([
    [{}, ['name', 'roles']],
    [{ name: '', roles: ['Administrator'] }, ['name']],
    [{ name: 'x'.repeat(201), roles: ['Administrator'] }, ['name']],
    [{ name: 'x', roles: [] }, ['roles']],
    [{ name: 'x', roles: ['Root'] }, ['roles']],
    [{ name: 'x', roles: ['Administrator'], expiresAt: 'tomorrow' }, ['expiresAt']],
    [{ name: 'x', roles: ['Administrator'], isEnabled: 'yes' }, ['isEnabled']],
    [{ name: 'x', roles: ['Administrator'], key: 'jim_ak_' + '0'.repeat(64) }, ['key']],
  ])('rejects %j with VALIDATION_ERROR on %j', async (body, fields) => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM api_keys`);
    const res = await t.api().post('/api/v1/apikeys').send(body).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(Object.keys(res.body.validationErrors).sort()).toEqual([...fields].sort());
    const after = await t.db.query(`SELECT count(*)::int AS n FROM api_keys`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('404s for unknown and malformed ids', async () => {
    expectErrorBody((await t.api().get('/api/v1/apikeys/00000000-0000-4000-8000-000000000000').expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().get('/api/v1/apikeys/not-a-uuid').expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().put('/api/v1/apikeys/00000000-0000-4000-8000-000000000000').send({ name: 'x' }).expect(404)).body, 'NOT_FOUND');
  });

  it('creates the infrastructure key from configuration, rotates it, and protects it', async () => {
    const first = 'jim_ak_' + '1'.repeat(64);
    const second = 'jim_ak_' + '2'.repeat(64);
    await ensureInfrastructureKey(t.db, first);
    await request(t.http).get('/api/v1/schedules').set('X-API-Key', first).expect(200);
    await ensureInfrastructureKey(t.db, second);
    await request(t.http).get('/api/v1/schedules').set('X-API-Key', first).expect(401);
    await request(t.http).get('/api/v1/schedules').set('X-API-Key', second).expect(200);
    const rows = await t.db.query(`SELECT id, roles, is_enabled FROM api_keys WHERE is_infrastructure`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ roles: ['Administrator'], is_enabled: true });
    const del = await t.api().delete(`/api/v1/apikeys/${rows[0].id}`).expect(400);
    expectErrorBody(del.body, 'BAD_REQUEST');
    await t.api().put(`/api/v1/apikeys/${rows[0].id}`).send({ isEnabled: false }).expect(400);
  });
  it('keeps the infrastructure key usable: its expiry, roles and enabled flag cannot be changed', async () => {
    const plain = 'jim_ak_' + '3'.repeat(64);
    await ensureInfrastructureKey(t.db, plain);
    const [{ id }] = await t.db.query(`SELECT id FROM api_keys WHERE is_infrastructure`);
    for (const [field, value] of [['expiresAt', '2000-01-01T00:00:00Z'], ['roles', ['User']], ['roles', ['Administrator', 'User']], ['isEnabled', false]] as const) {
      const res = await t.api().put(`/api/v1/apikeys/${id}`).send({ [field]: value });
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expectErrorBody(res.body, 'BAD_REQUEST');
      expect(res.body.message).toContain('JIM_INFRASTRUCTURE_API_KEY');
      expect(Object.keys(res.body.validationErrors)).toEqual([field]);
    }
    const nulls = await t.api().put(`/api/v1/apikeys/${id}`).send({ roles: null, isEnabled: null }).expect(400);
    expect(nulls.body.validationErrors).toEqual({ roles: ['must not be null'], isEnabled: ['must not be null'] });
    // Its current values sent back, with a new name, are not a change.
    const renamed = await t.api().put(`/api/v1/apikeys/${id}`).send({ name: 'Platform key', roles: ['Administrator'], isEnabled: true, expiresAt: null }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'Platform key', roles: ['Administrator'], isEnabled: true, expiresAt: null, isInfrastructure: true });
    await t.api().delete(`/api/v1/apikeys/${id}`).expect(400);
    // Still an Administrator key that works.
    await request(t.http).get('/api/v1/apikeys').set('X-API-Key', plain).expect(200);
  });

  it('refuses an unknown query parameter on the list', async () => {
    const res = await t.api().get('/api/v1/apikeys?foo=1').expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors).toEqual({ foo: ['is not a known property'] });
  });
});
