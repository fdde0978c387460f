import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const BASE = '/api/v1/synchronisation/connected-systems';

describe('Connected systems and run profiles', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('creates, lists (paged), gets and deletes connected systems and their run profiles', async () => {
    const cs = await t.api().post(BASE).send({ name: 'Corporate LDAP', description: 'AD' }).expect(201);
    expect(cs.body).toMatchObject({ id: expect.any(Number), name: 'Corporate LDAP', description: 'AD' });
    const rp = await t.api().post(`${BASE}/${cs.body.id}/run-profiles`).send({ name: 'Delta Import', runType: 'DeltaImport' }).expect(201);
    expect(rp.body).toMatchObject({ id: expect.any(Number), name: 'Delta Import', runType: 'DeltaImport', connectedSystemId: cs.body.id });

    const list = await t.api().get(`${BASE}?page=1&pageSize=1`).expect(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 1, totalCount: expect.any(Number), hasPreviousPage: false });
    expect(list.body.items).toHaveLength(1);

    await t.api().get(`${BASE}/${cs.body.id}`).expect(200, cs.body);
    const profiles = await t.api().get(`${BASE}/${cs.body.id}/run-profiles`).expect(200);
    expect(profiles.body).toEqual([rp.body]);

    await t.api().delete(`${BASE}/${cs.body.id}/run-profiles/${rp.body.id}`).expect(204);
    await t.api().delete(`${BASE}/${cs.body.id}`).expect(204);
    expectErrorBody((await t.api().get(`${BASE}/${cs.body.id}`).expect(404)).body, 'NOT_FOUND');
  });

  it('refuses to delete what a schedule step references (409), and deletes once unreferenced', async () => {
    const cs = await t.api().post(BASE).send({ name: 'HR Database' }).expect(201);
    const rp = await t.api().post(`${BASE}/${cs.body.id}/run-profiles`).send({ name: 'Full Import', runType: 'FullImport' }).expect(201);
    const schedule = await t.api()
      .post('/api/v1/schedules')
      .send({ name: 'Uses HR', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: cs.body.id, runProfileId: rp.body.id }] })
      .expect(201);

    const rpDelete = await t.api().delete(`${BASE}/${cs.body.id}/run-profiles/${rp.body.id}`).expect(409);
    expectErrorBody(rpDelete.body, 'CONFLICT');
    expect(rpDelete.body.details).toContain('Uses HR');
    const csDelete = await t.api().delete(`${BASE}/${cs.body.id}`).expect(409);
    expectErrorBody(csDelete.body, 'CONFLICT');

    await t.api().delete(`/api/v1/schedules/${schedule.body.id}`).expect(204);
    await t.api().delete(`${BASE}/${cs.body.id}`).expect(204);
    const left = await t.db.query(`SELECT count(*)::int AS n FROM run_profiles WHERE connected_system_id = $1`, [cs.body.id]);
    expect(left[0].n).toBe(0);
  });

  it('validates input and reports unknown ids as 404', async () => {
    const noName = await t.api().post(BASE).send({}).expect(400);
    expectErrorBody(noName.body, 'VALIDATION_ERROR');
    expect(noName.body.validationErrors).toHaveProperty('name');

    const cs = await t.api().post(BASE).send({ name: 'Target' }).expect(201);
    const badType = await t.api().post(`${BASE}/${cs.body.id}/run-profiles`).send({ name: 'x', runType: 2 }).expect(400);
    expect(badType.body.validationErrors).toHaveProperty('runType');
    const badType2 = await t.api().post(`${BASE}/${cs.body.id}/run-profiles`).send({ name: 'x', runType: 'Sync' }).expect(400);
    expect(badType2.body.validationErrors.runType[0]).toContain('FullImport');

    expectErrorBody((await t.api().get(`${BASE}/999999`).expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().get(`${BASE}/abc`).expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().get(`${BASE}/999999/run-profiles`).expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().post(`${BASE}/999999/run-profiles`).send({ name: 'x', runType: 'Export' }).expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await t.api().delete(`${BASE}/${cs.body.id}/run-profiles/999999`).expect(404)).body, 'NOT_FOUND');
    const pageSize = await t.api().get(`${BASE}?pageSize=0`).expect(400);
    expectErrorBody(pageSize.body, 'VALIDATION_ERROR');
  });
});
