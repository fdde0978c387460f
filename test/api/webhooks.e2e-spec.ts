import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const RECEIVER = 'http://127.0.0.1:9/hook';

describe('/api/v1/webhooks', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' })));
  afterAll(() => t.close());

  it('creates a webhook and shows its secret once, stored encrypted', async () => {
    const created = await t.api().post('/api/v1/webhooks').send({ url: RECEIVER, description: 'ops', events: ['ExecutionFailed', 'RunSkipped'] }).expect(201);
    expect(created.body).toMatchObject({ url: RECEIVER, description: 'ops', events: ['ExecutionFailed', 'RunSkipped'], scheduleIds: [], isEnabled: true, disabledReason: null, lastUpdated: null });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const got = await t.api().get(`/api/v1/webhooks/${created.body.id}`).expect(200);
    expect(got.body.secret).toBeUndefined();
    const list = await t.api().get('/api/v1/webhooks').expect(200);
    expect(list.body.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const [row] = await t.db.query(`SELECT secret FROM webhooks WHERE id = $1`, [created.body.id]);
    expect(row.secret).toMatch(/^v1:/);
    expect(row.secret).not.toContain(created.body.secret.slice(6));
  });

  it('updates the fields sent, and rotates the secret', async () => {
    const created = await t.api().post('/api/v1/webhooks').send({ url: RECEIVER, events: ['ExecutionCompleted'] }).expect(201);
    const scheduleId = '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1';
    const updated = await t.api().put(`/api/v1/webhooks/${created.body.id}`).send({ events: ['ScheduleChanged'], scheduleIds: [scheduleId], isEnabled: false }).expect(200);
    expect(updated.body).toMatchObject({ url: RECEIVER, description: null, events: ['ScheduleChanged'], scheduleIds: [scheduleId], isEnabled: false });
    expect(typeof updated.body.lastUpdated).toBe('string');

    const rotated = await t.api().post(`/api/v1/webhooks/${created.body.id}/rotate-secret`).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
  });

  it('deletes a webhook; then it is 404', async () => {
    const created = await t.api().post('/api/v1/webhooks').send({ url: RECEIVER, events: ['ExecutionCompleted'] }).expect(201);
    await t.api().delete(`/api/v1/webhooks/${created.body.id}`).expect(204);
    const missing = await t.api().get(`/api/v1/webhooks/${created.body.id}`).expect(404);
    expectErrorBody(missing.body, 'NOT_FOUND');
    expect(missing.body.message).toBe(`Webhook not found: ${created.body.id}`);
    await t.api().delete(`/api/v1/webhooks/${created.body.id}`).expect(404);
    await t.api().post(`/api/v1/webhooks/${created.body.id}/test`).expect(404);
    await t.api().get(`/api/v1/webhooks/${created.body.id}/deliveries`).expect(404);
    await t.api().get('/api/v1/webhooks/not-a-uuid').expect(404);
  });

  it.each([
    [{ events: ['ExecutionFailed'] }, 'url', 'must be 1 to 2000 characters'],
    [{ url: 'ftp://example.com/x', events: ['ExecutionFailed'] }, 'url', 'must be an absolute http or https URL'],
    [{ url: 'not a url', events: ['ExecutionFailed'] }, 'url', 'must be an absolute http or https URL'],
    [{ url: 'http://user:pw@127.0.0.1/x', events: ['ExecutionFailed'] }, 'url', 'must not carry credentials; deliveries are authenticated by their signature'],
    [{ url: RECEIVER, events: [] }, 'events', 'must hold at least one event'],
    [{ url: RECEIVER, events: ['Sometimes'] }, 'events', 'each event must be one of ExecutionCompleted, ExecutionCompletedWithWarnings, ExecutionFailed, ExecutionCancelled, RunSkipped, ScheduleChanged'],
    [{ url: RECEIVER, events: ['ExecutionFailed'], scheduleIds: ['nope'] }, 'scheduleIds', 'each schedule id must be a UUID'],
    [{ url: RECEIVER, events: ['ExecutionFailed'], isEnabled: 'yes' }, 'isEnabled', 'must be true or false'],
  ])('refuses %j with a 400 on %s', async (body, field, message) => {
    const res = await t.api().post('/api/v1/webhooks').send(body).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors[field]).toContain(message);
  });

  it('records a ScheduleChanged delivery in the transaction of each schedule change, for subscribed webhooks only', async () => {
    const hook = await t.api().post('/api/v1/webhooks').send({ url: RECEIVER, events: ['ScheduleChanged'] }).expect(201);
    const other = await t.api().post('/api/v1/webhooks').send({ url: RECEIVER, events: ['ExecutionFailed'] }).expect(201);
    const schedule = await t.api().post('/api/v1/schedules').send({ name: `Hooked ${Date.now()}`, steps: [] }).expect(201);
    await t.api().put(`/api/v1/schedules/${schedule.body.id}`).send({ name: `${schedule.body.name} renamed`, steps: [] }).expect(200);
    const rows: { event_type: string; data: { schedule: { id: string; name: string }; change: { operation: string; version: number } } }[] = await t.db.query(
      `SELECT event_type, data FROM webhook_deliveries WHERE webhook_id = $1 AND schedule_id = $2 ORDER BY created_at`,
      [hook.body.id, schedule.body.id],
    );
    expect(rows.map((r) => [r.event_type, r.data.change.operation, r.data.change.version, r.data.schedule.name])).toEqual([
      ['ScheduleChanged', 'Create', 1, schedule.body.name],
      ['ScheduleChanged', 'Update', 2, `${schedule.body.name} renamed`],
    ]);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [other.body.id]);
    expect(n).toBe(0);

    const deliveries = await t.api().get(`/api/v1/webhooks/${hook.body.id}/deliveries?pageSize=1`).expect(200);
    expect(deliveries.body).toMatchObject({ totalCount: 2, page: 1, pageSize: 1, hasNextPage: true });
    expect(deliveries.body.items[0]).toMatchObject({ webhookId: hook.body.id, event: 'ScheduleChanged', status: 'Pending', attempts: 0, lastStatusCode: null, lastError: null });
  });

  it('queues a Ping on test and a redelivery on redeliver; an unknown delivery is 404', async () => {
    const hook = await t.api().post('/api/v1/webhooks').send({ url: RECEIVER, events: ['ExecutionFailed'] }).expect(201);
    const ping = await t.api().post(`/api/v1/webhooks/${hook.body.id}/test`).expect(202);
    const [row] = await t.db.query(`SELECT event_type, status FROM webhook_deliveries WHERE id = $1`, [ping.body.deliveryId]);
    expect(row).toEqual({ event_type: 'Ping', status: 'Pending' });
    await t.db.query(`UPDATE webhook_deliveries SET status = 'Failed', next_attempt_at = NULL WHERE id = $1`, [ping.body.deliveryId]);

    const again = await t.api().post(`/api/v1/webhooks/${hook.body.id}/deliveries/${ping.body.deliveryId}/redeliver`).expect(202);
    expect(again.body).toEqual({ deliveryId: ping.body.deliveryId });
    const [after] = await t.db.query(`SELECT status, next_attempt_at, enqueued_at FROM webhook_deliveries WHERE id = $1`, [ping.body.deliveryId]);
    expect(after.status).toBe('Pending');
    expect(after.next_attempt_at).not.toBeNull();
    expect(after.enqueued_at).toBeNull();

    const unknown = await t.api().post(`/api/v1/webhooks/${hook.body.id}/deliveries/7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1/redeliver`).expect(404);
    expect(unknown.body.message).toBe('Webhook delivery not found: 7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1');
  });

  it('needs the Administrator role', async () => {
    const user = await t.api().post('/api/v1/apikeys').send({ name: 'user only', roles: ['User'] }).expect(201);
    const res = await t.api().get('/api/v1/webhooks').set('X-API-Key', user.body.key).expect(403);
    expectErrorBody(res.body, 'FORBIDDEN');
  });
});

describe('webhook URLs with private networks refused (the default)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it.each([
    ['http://127.0.0.1:8080/x', '127.0.0.1 is a loopback address'],
    ['http://localhost/x', 'localhost resolves to'],
    ['http://[::1]/x', '::1 is a loopback address'],
    ['http://10.0.0.5/x', '10.0.0.5 is a private address'],
    ['http://172.16.3.4/x', '172.16.3.4 is a private address'],
    ['http://192.168.0.10/x', '192.168.0.10 is a private address'],
    ['http://[fd12::1]/x', 'fd12::1 is a private address'],
    ['http://169.254.10.20/x', '169.254.10.20 is a link-local address'],
    ['http://[fe80::1]/x', 'fe80::1 is a link-local address'],
    ['http://100.64.0.1/x', '100.64.0.1 is a shared (CGNAT) address'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a metadata address'],
    ['http://[fd00:ec2::254]/x', 'fd00:ec2::254 is a metadata address'],
    ['http://0.0.0.0/x', '0.0.0.0 is an unspecified address'],
    ['http://[::]/x', ':: is an unspecified address'],
    ['http://[::ffff:127.0.0.1]/x', 'is a loopback address'],
    ['http://[::ffff:169.254.169.254]/x', 'is a metadata address'],
    ['http://2130706433/x', '127.0.0.1 is a loopback address'],
  ])('refuses %s', async (url, message) => {
    const res = await t.api().post('/api/v1/webhooks').send({ url, events: ['ExecutionFailed'] }).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors.url[0]).toContain(message);
    expect(res.body.validationErrors.url[0]).toContain('JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS');
  });

  it('refuses a URL changed to a private address on update', async () => {
    const [{ id }] = await t.db.query(
      `INSERT INTO webhooks (id, url, events, is_enabled, secret, created) VALUES (gen_random_uuid(), 'http://192.0.2.1/x', '{ExecutionFailed}', true, 'v1:x:y:z', now()) RETURNING id`,
    );
    const res = await t.api().put(`/api/v1/webhooks/${id}`).send({ url: 'http://10.1.1.1/x' }).expect(400);
    expect(res.body.validationErrors.url[0]).toBe('10.1.1.1 is a private address; webhooks may not target it (JIM_WEBHOOK_ALLOW_PRIVATE_NETWORKS)');
  });
});
