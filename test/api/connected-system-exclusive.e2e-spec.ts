import request from 'supertest';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const C = '/api/v1/synchronisation/connected-systems';

/** A connected system's `exclusive` setting: created, changed with PATCH, validated, recorded, documented. */
describe('Connected system exclusive (API)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('is true by default, may be set on creation and changed, each change recorded', async () => {
    const made = await t.api().post(C).send({ name: 'Exclusive by default' }).expect(201);
    expect(made.body.exclusive).toBe(true);
    const shared = await t.api().post(C).send({ name: 'Shared', exclusive: false }).expect(201);
    expect(shared.body.exclusive).toBe(false);

    const changed = await t.api().patch(`${C}/${made.body.id}`).send({ exclusive: false, changeReason: 'The engine runs these side by side' }).expect(200);
    expect(changed.body).toMatchObject({ id: made.body.id, exclusive: false });
    expect((await t.api().get(`${C}/${made.body.id}`).expect(200)).body.exclusive).toBe(false);
    await t.api().patch(`${C}/${made.body.id}`).send({ exclusive: true }).expect(200);
    const history = await t.db.query(
      `SELECT version, operation, snapshot, change_reason, initiated_by_name FROM configuration_changes
       WHERE target_type = 'ConnectedSystem' AND target_id = $1 ORDER BY version`,
      [String(made.body.id)],
    );
    expect(history).toEqual([
      { version: 1, operation: 'Update', snapshot: { id: made.body.id, name: 'Exclusive by default', description: null, exclusive: false }, change_reason: 'The engine runs these side by side', initiated_by_name: 'Test administrator' },
      { version: 2, operation: 'Update', snapshot: { id: made.body.id, name: 'Exclusive by default', description: null, exclusive: true }, change_reason: null, initiated_by_name: 'Test administrator' },
    ]);
  });

  it('rejects a missing or non-boolean value with a 400, and an unknown system with a 404', async () => {
    const made = await t.api().post(C).send({ name: 'Validated' }).expect(201);
    for (const [body, message] of [
      [{}, 'is required'],
      [{ exclusive: 'yes' }, 'must be true or false'],
      [{ exclusive: null }, 'must not be null'],
    ] as const) {
      const res = await t.api().patch(`${C}/${made.body.id}`).send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors.exclusive).toContain(message);
    }
    const bad = await t.api().post(C).send({ name: 'Bad', exclusive: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.validationErrors).toEqual({ exclusive: ['must be true or false'] });
    const missing = await t.api().patch(`${C}/999999`).send({ exclusive: false });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Connected System with ID 999999 not found.');
  });

  it('documents the field and the operation', async () => {
    const doc = (await request(t.http).get('/api/openapi/v1.json').expect(200)).body;
    expect(doc.paths[`${C}/{id}`].patch).toBeDefined();
    expect(doc.components.schemas.UpdateConnectedSystemRequest.properties.exclusive).toMatchObject({ type: 'boolean' });
    expect(doc.components.schemas.ConnectedSystemResponse.properties.exclusive).toMatchObject({ type: 'boolean' });
    expect(doc.components.schemas.ScheduleExecutionStepResponse.properties).toHaveProperty('waitingFor');
  });
});
