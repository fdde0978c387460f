import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/processes';
import { JimDouble } from '../support/jim-double';

const CS = '/api/v1/synchronisation/connected-systems';

describe('Catalogue mirrored from JIM', () => {
  let jim: JimDouble;
  let t: TestApp;

  beforeAll(async () => {
    jim = new JimDouble();
    await jim.start();
    t = await createTestApp({ JIM_SYNC_URL: jim.url, JIM_SYNC_API_KEY: jim.apiKey });
  });
  afterAll(async () => {
    await t?.close();
    await jim?.stop();
  });

  it("reads JIM's connected systems and run profiles at start, with JIM's ids, names and run types", async () => {
    const systems = await waitFor(async () => {
      const res = await t.api().get(CS).expect(200);
      return res.body.totalCount === 2 ? res.body.items : undefined;
    });
    expect(systems.map((s: { id: number; name: string }) => [s.id, s.name])).toEqual([
      [2, 'AD'],
      [1, 'HR'],
    ]);
    const profiles = await t.api().get(`${CS}/1/run-profiles`).expect(200);
    expect(profiles.body.map((p: { id: number; name: string; runType: string }) => [p.id, p.name, p.runType])).toEqual([
      [11, 'Full Import', 'FullImport'],
      [12, 'Delta Import', 'DeltaImport'],
    ]);
  });

  it('refreshes on demand and answers with counts', async () => {
    jim.systems[1].runProfiles.push({ id: 23, name: 'Delta Sync', runType: 'DeltaSynchronisation' });
    const res = await t.api().post('/api/v1/synchronisation/refresh').expect(200);
    expect(res.body).toEqual({ connectedSystems: 2, runProfiles: 5, removedRunProfiles: 0, refreshedAt: expect.any(String) });
    const profiles = await t.api().get(`${CS}/2/run-profiles`).expect(200);
    expect(profiles.body.map((p: { id: number }) => p.id)).toEqual([21, 22, 23]);
  });

  it.each([
    ['POST', CS, { name: 'Local' }],
    ['DELETE', `${CS}/1`, undefined],
    ['POST', `${CS}/1/run-profiles`, { name: 'Local', runType: 'FullImport' }],
    ['DELETE', `${CS}/1/run-profiles/11`, undefined],
  ])('refuses %s %s with 409 naming the JIM instance', async (method, path, body) => {
    const call = method === 'POST' ? t.api().post(path).send(body) : t.api().delete(path);
    const res = await call.expect(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT' });
    expect(res.body.message).toContain(`mirrored from JIM at ${jim.url}`);
  });

  it('a run profile JIM no longer has flags the schedules that use it; nothing is deleted', async () => {
    const uses = await t
      .api()
      .post('/api/v1/schedules')
      .send({ name: 'Uses Delta Sync', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 2, runProfileId: 23 }] })
      .expect(201);
    await t.api().post('/api/v1/schedules').send({ name: 'Uses HR', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 11 }] }).expect(201);

    jim.systems[1].runProfiles.pop();
    const res = await t.api().post('/api/v1/synchronisation/refresh').expect(200);
    expect(res.body).toMatchObject({ runProfiles: 4, removedRunProfiles: 1 });

    const invalid = await t.api().get('/api/v1/schedules?invalid=true').expect(200);
    expect(invalid.body.items.map((s: { id: string }) => s.id)).toEqual([uses.body.id]);
    const valid = await t.api().get('/api/v1/schedules?invalid=false').expect(200);
    expect(valid.body.items.map((s: { name: string }) => s.name)).toEqual(['Uses HR']);
    await t.api().get(`/api/v1/schedules/${uses.body.id}`).expect(200);
    const [row] = await t.db.query(`SELECT name, removed_from_jim_at FROM run_profiles WHERE id = 23`);
    expect(row).toMatchObject({ name: 'Delta Sync', removed_from_jim_at: expect.any(Date) });

    const refused = await t
      .api()
      .post('/api/v1/schedules')
      .send({ name: 'New on removed', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 2, runProfileId: 23 }] })
      .expect(400);
    expect(refused.body.validationErrors).toEqual({ 'steps[0].runProfileId': ['Run Profile 23 does not exist'] });
  });

  it('readiness reports JIM up', async () => {
    const res = await request(t.http).get('/health/ready').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', jim: { status: 'up' } });
  });
});

describe('Catalogue mirror: JIM unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    const gone = new JimDouble();
    const url = await gone.start();
    await gone.stop();
    t = await createTestApp({ JIM_SYNC_URL: url, JIM_SYNC_API_KEY: gone.apiKey });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('readiness is degraded, still 200, with the detail', async () => {
    const res = await request(t.http).get('/health/ready').expect(200);
    expect(res.body).toMatchObject({ status: 'degraded', checks: { database: { status: 'up' }, queue: { status: 'up' } }, jim: { status: 'down', problem: 'unreachable' } });
  });

  it('refresh answers 503 saying JIM could not be read', async () => {
    const res = await t.api().post('/api/v1/synchronisation/refresh').expect(503);
    expect(res.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(res.body.message).toMatch(/^Could not read the catalogue from JIM at http:\/\/127\.0\.0\.1:\d+: JIM is unreachable \(ECONNREFUSED\)$/);
  });
});

describe('Catalogue not linked to JIM', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the local catalogue API and refuses a refresh with 409', async () => {
    await t.api().post(CS).send({ name: 'Local' }).expect(201);
    const res = await t.api().post('/api/v1/synchronisation/refresh').expect(409);
    expect(res.body.message).toBe('No JIM instance is linked (JIM_SYNC_URL is not set): the catalogue is managed here');
    const ready = await request(t.http).get('/health/ready').expect(200);
    expect(ready.body.jim).toBeUndefined();
  });
});
