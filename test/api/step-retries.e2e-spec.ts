import request from 'supertest';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';

/** The retry fields of a step: validated, stored, returned, in the change history and the OpenAPI document. */
describe('Step retry fields (API)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const step = (extra: Record<string, unknown> = {}) => ({ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true', ...extra });

  it('defaults to one attempt, 30 s and no retry on timeout', async () => {
    const created = await t.api().post(S).send({ name: 'Retry defaults', steps: [step()] }).expect(201);
    const got = await t.api().get(`${S}/${created.body.id}`).expect(200);
    expect(got.body.steps[0]).toMatchObject({ maxAttempts: 1, retryDelaySeconds: 30, retryOnTimeout: false });
  });

  it('stores and returns the fields, and records their changes in the history', async () => {
    const created = await t.api().post(S).send({ name: 'Retry set', steps: [step({ maxAttempts: 3, retryDelaySeconds: 60 })] }).expect(201);
    const [stored] = created.body.steps;
    expect(stored).toMatchObject({ maxAttempts: 3, retryDelaySeconds: 60, retryOnTimeout: false });
    await t.api().put(`${S}/${created.body.id}`).send({ name: 'Retry set', steps: [{ ...stored, maxAttempts: 5, retryOnTimeout: true }] }).expect(200);
    const diff = await t.api().get(`${S}/${created.body.id}/change-history/compare?fromVersion=1&toVersion=2`).expect(200);
    expect(diff.body.differences).toEqual(
      expect.arrayContaining([
        { path: `steps[${stored.id}].maxAttempts`, from: 3, to: 5 },
        { path: `steps[${stored.id}].retryOnTimeout`, from: false, to: true },
      ]),
    );
  });

  it('rejects values out of range with a 400 naming each field', async () => {
    const res = await t
      .api()
      .post(S)
      .send({
        name: 'Bad retries',
        steps: [step({ maxAttempts: 0, retryDelaySeconds: 3601 }), step({ maxAttempts: 11, retryDelaySeconds: 0, retryOnTimeout: 'yes' }), step({ maxAttempts: 2.5 })],
      });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(res.body.validationErrors).toEqual({
      'steps[0].maxAttempts': ['must be at least 1'],
      'steps[0].retryDelaySeconds': ['must be at most 3600 (1 hour)'],
      'steps[1].maxAttempts': ['must be at most 10'],
      'steps[1].retryDelaySeconds': ['must be at least 1'],
      'steps[1].retryOnTimeout': ['must be true or false'],
      'steps[2].maxAttempts': ['must be an integer'],
    });
  });

  it('documents the fields in the OpenAPI document', async () => {
    const doc = (await request(t.http).get('/api/openapi/v1.json').expect(200)).body;
    const { schemas } = doc.components;
    expect(schemas.ScheduleStepRequest.properties).toMatchObject({
      maxAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
      retryDelaySeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
      retryOnTimeout: { type: 'boolean', default: false },
    });
    expect(schemas.ScheduleExecutionStepResponse.properties).toHaveProperty('attempts');
    expect(schemas.ScheduleExecutionStepResponse.properties).toHaveProperty('attempt');
    expect(schemas.StepAttemptResponse.properties).toHaveProperty('outcome');
  });
});
