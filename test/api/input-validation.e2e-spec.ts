import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const E = '/api/v1/schedule-executions';
const K = '/api/v1/apikeys';

/** Rules every request DTO follows: nulls, JSON null bodies, user text as a lookup key, RFC 3339 date-times. */
describe('Request validation', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const validation = async (res: { status: number; body: Record<string, unknown> }) => {
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 400 });
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    return res.body.validationErrors as Record<string, string[]>;
  };

  describe('null for a field that is not nullable', () => {
    it('is a 400 naming the field on an API key update, and changes nothing', async () => {
      const key = await t.api().post(K).send({ name: 'Null target', roles: ['User'] }).expect(201);
      for (const field of ['name', 'isEnabled', 'roles']) {
        const errors = await validation(await t.api().put(`${K}/${key.body.id}`).send({ [field]: null }));
        expect(errors).toEqual({ [field]: ['must not be null'] });
      }
      const [row] = await t.db.query(`SELECT name, roles, is_enabled FROM api_keys WHERE id = $1`, [key.body.id]);
      expect(row).toEqual({ name: 'Null target', roles: ['User'], is_enabled: true });
      // Nullable fields still take null.
      await t.api().put(`${K}/${key.body.id}`).send({ description: null, expiresAt: null }).expect(200);
    });

    it('is a 400 naming the field on schedules, their steps and connected systems', async () => {
      const step = { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' };
      expect(await validation(await t.api().post(S).send({ name: null }))).toEqual({ name: ['must not be null'] });
      expect(await validation(await t.api().post(S).send({ name: 'Nulls', steps: [step, { ...step, stepIndex: null }] }))).toEqual({
        'steps[1].stepIndex': ['must not be null'],
      });
      expect(await validation(await t.api().post(S).send({ name: 'Nulls', steps: [{ ...step, stepType: null }] }))).toEqual({
        'steps[0].stepType': ['must not be null'],
      });
      expect(await validation(await t.api().post('/api/v1/synchronisation/connected-systems').send({ name: null }))).toEqual({ name: ['must not be null'] });
      // Documented as nullable: null means "the default".
      const created = await t.api().post(S).send({ name: 'Nullable', isEnabled: null, steps: [{ ...step, continueOnFailure: null, timeoutSeconds: null }] }).expect(201);
      expect(created.body).toMatchObject({ isEnabled: false, steps: [{ continueOnFailure: false, timeoutSeconds: null }] });
    });

    it('refuses a JSON null body with a 400', async () => {
      for (const [method, path] of [['post', S], ['post', K], ['put', `${K}/00000000-0000-4000-8000-000000000000`]] as const) {
        const res = await t.api()[method](path).set('Content-Type', 'application/json').send('null');
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expectErrorBody(res.body, 'VALIDATION_ERROR');
      }
    });
  });

  describe('user text is never looked up among Object.prototype members', () => {
    it.each([
      [S, 'constructor'],
      [S, '__proto__'],
      [S, 'toString'],
      [E, 'constructor'],
      [E, '__proto__'],
      [E, 'hasOwnProperty'],
    ])('GET %s?sortBy=%s → 400 naming sortBy', async (path, sortBy) => {
      const errors = await validation(await t.api().get(`${path}?sortBy=${sortBy}`));
      expect(Object.keys(errors)).toEqual(['sortBy']);
    });

    it('refuses properties named like Object.prototype members, at any depth, with the other errors, and stores nothing', async () => {
      const step = { stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' };
      const send = (body: string) => t.api().post(S).set('Content-Type', 'application/json').send(body);
      expect(await validation(await send(`{"name":"Proto top","__proto__":{"isEnabled":true},"steps":[]}`))).toEqual({ ['__proto__']: ['is not a known property'] });
      expect(await validation(await send(`{"name":"Proto deep","constructor":{"prototype":{"polluted":true}}}`))).toEqual({ constructor: ['is not a known property'] });
      expect(await validation(await send(JSON.stringify({ name: 'Proto step', steps: [{ ...step, valueOf: 1 }, { ...step, stepIndex: 1, toString: 'x' }] })))).toEqual({
        'steps[0].valueOf': ['is not a known property'],
        'steps[1].toString': ['is not a known property'],
      });
      expect(await validation(await send(JSON.stringify({ name: 'Proto own', hasOwnProperty: true })))).toEqual({ hasOwnProperty: ['is not a known property'] });
      // Reported with what else is wrong, in the one error body.
      expect(await validation(await send(`{"name":7,"colour":"red","steps":[{"stepIndex":0,"stepType":"Executable","executablePath":"/bin/true","__proto__":{}}]}`))).toEqual({
        name: expect.arrayContaining(['must be a string']),
        colour: ['is not a known property'],
        'steps[0].__proto__': ['is not a known property'],
      });
      expect(await validation(await t.api().put(`${K}/00000000-0000-4000-8000-000000000000`).set('Content-Type', 'application/json').send('{"constructor":"x"}'))).toEqual({
        constructor: ['is not a known property'],
      });
      expect(await validation(await t.api().get(`${S}?constructor=1`))).toEqual({ constructor: ['is not a known property'] });
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM schedules WHERE name LIKE 'Proto %'`);
      expect(count).toBe(0);
      expect(({} as Record<string, unknown>).isEnabled ?? ({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each([
      ['Provider=constructor;Host=db;Database=d;User=u', 'Unsupported provider'],
      ['Provider=__proto__;Host=db;Database=d;User=u', 'Unsupported provider'],
      ['constructor://u:p@db/d', 'Unsupported connection string scheme'],
      ['valueOf://u:p@db/d', 'Unsupported connection string scheme'],
      ['hasOwnProperty://u:p@db/d', 'Unsupported connection string scheme'],
    ])('refuses the SQL connection string %s', async (cs, message) => {
      const body = { name: `Sql ${cs}`, steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlScriptPath: '/opt/x.sql', sqlConnectionString: cs }] };
      const errors = await validation(await t.api().post(S).send(body));
      expect(errors['steps[0].sqlConnectionString']).toEqual([expect.stringContaining(message)]);
    });
  });

  describe('date-times are RFC 3339 with an offset', () => {
    let scheduleId: string;
    beforeAll(async () => {
      const s = await t.api().post(S).send({ name: 'Daily preview', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '0,1,2,3,4,5,6', runTimes: '06:00' }).expect(201);
      scheduleId = s.body.id;
    });
    const nextRuns = (after: string) => t.api().get(`${S}/${scheduleId}/next-runs?count=1&after=${encodeURIComponent(after)}`);

    it.each([
      ['2026-07-13T00:00:00Z', '2026-07-13T06:00:00.000Z'],
      ['2026-07-13t00:00:00z', '2026-07-13T06:00:00.000Z'],
      ['2026-07-13T05:59:59.999999999Z', '2026-07-13T06:00:00.000Z'],
      ['2026-07-13T06:00:00.5+00:00', '2026-07-14T06:00:00.000Z'],
      ['2026-07-13T08:00:00+02:00', '2026-07-14T06:00:00.000Z'],
      ['2026-07-12T22:30:00-07:00', '2026-07-13T06:00:00.000Z'],
    ])('takes after=%s', async (after, first) => {
      expect((await nextRuns(after).expect(200)).body.nextRuns).toEqual([first]);
    });

    it.each([
      ['2026-07-13T00:00:00', 'must include a UTC offset'],
      ['2026-07-13T00:00:00.000', 'must include a UTC offset'],
      ['2026-07-13', 'must be an RFC 3339 date and time'],
      ['2026-07-13 00:00:00Z', 'must be an RFC 3339 date and time'],
      ['2026-02-30T00:00:00Z', 'is not a valid date and time'],
      ['2026-07-13T24:00:00Z', 'is not a valid date and time'],
      ['2026-07-13T00:00:00+24:00', 'has an invalid UTC offset'],
      ['0050-01-01T00:00:00Z', 'is out of range'],
      ['0000-01-01T00:00:00Z', 'is out of range'],
    ])('refuses after=%s naming the field', async (after, message) => {
      expect(await validation(await nextRuns(after))).toEqual({ after: [expect.stringContaining(message)] });
    });

    it('applies the same rules to an API key expiry', async () => {
      const noOffset = await validation(await t.api().post(K).send({ name: 'Expiring', roles: ['User'], expiresAt: '2030-01-01T00:00:00' }));
      expect(noOffset).toEqual({ expiresAt: [expect.stringContaining('must include a UTC offset')] });
      const created = await t.api().post(K).send({ name: 'Expiring', roles: ['User'], expiresAt: '2030-01-01t02:00:00.123456+02:00' }).expect(201);
      expect(created.body.expiresAt).toBe('2030-01-01T00:00:00.123Z');
      const early = await validation(await t.api().put(`${K}/${created.body.id}`).send({ expiresAt: '0099-12-31T23:59:59Z' }));
      expect(early).toEqual({ expiresAt: [expect.stringContaining('is out of range')] });
      const past = await t.api().put(`${K}/${created.body.id}`).send({ expiresAt: '1969-07-20T20:17:40Z' }).expect(200);
      expect(past.body.expiresAt).toBe('1969-07-20T20:17:40.000Z');
    });
  });
});
