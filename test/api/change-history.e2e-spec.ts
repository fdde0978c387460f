import { migrate } from '@jim/persistence';
import request from 'supertest';
import { createApiKey } from '../../apps/api/src/api-keys/api-keys.service';
import { createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const S = '/api/v1/schedules';
const FIRST_SECRET = 'first-s3cret!';
const SECOND_SECRET = 'second-s3cret!';
const CS1 = `Host=db.example;Port=5432;Database=hr;Username=jim;Password=${FIRST_SECRET}`;
const CS2 = `Host=db2.example;Port=5432;Database=hr;Username=jim;Password=${SECOND_SECRET}`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const ITEM_KEYS = ['changeReason', 'changedAt', 'initiatedById', 'initiatedByName', 'initiatedByType', 'operation', 'version'];

const MASKED1 = 'Host=db.example;Port=5432;Database=hr;Username=jim;Password=***';
const MASKED2 = 'Host=db2.example;Port=5432;Database=hr;Username=jim;Password=***';

describe('Schedule change history API', () => {
  let t: TestApp;
  let adminKeyId: string;
  let id: string;
  let exportStepId: string;
  let sqlStepId: string;
  let addedStepId: string;
  let created: Record<string, any>;
  let updated: Record<string, any>;
  /** Every body my routes returned, to prove no secret ever leaves in clear. */
  const seen: string[] = [];
  const get = async (path: string) => {
    const res = await t.api().get(path);
    seen.push(res.text);
    return res;
  };
  const history = (suffix = '') => `${S}/${id}/change-history${suffix}`;

  const exportStep = (extra: Record<string, unknown> = {}) => ({
    stepIndex: 0, name: 'Export', stepType: 'Executable', executablePath: '/bin/true', timeoutSeconds: 60, ...extra,
  });
  const sqlStep = (extra: Record<string, unknown> = {}) => ({
    stepIndex: 1, name: 'Load', stepType: 'SqlScript', sqlConnectionString: CS1, sqlScriptPath: '/opt/load.sql', ...extra,
  });
  const snapshotStep = (stepId: string, extra: Record<string, unknown>) => ({
    id: stepId,
    stepIndex: 0,
    name: null,
    executionMode: 'Sequential',
    stepType: 'Executable',
    continueOnFailure: false,
    timeoutSeconds: null,
    connectedSystemId: null,
    runProfileId: null,
    scriptPath: null,
    arguments: null,
    executablePath: null,
    workingDirectory: null,
    sqlConnectionString: null,
    sqlPasswordChangedInVersion: null,
    sqlScriptPath: null,
    maxAttempts: 1,
    retryDelaySeconds: 30,
    retryOnTimeout: false,
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp();
    [{ id: adminKeyId }] = await t.db.query(`SELECT id FROM api_keys WHERE name = 'Test administrator'`);
    const base = {
      name: 'History original',
      description: 'Nightly HR load',
      triggerType: 'Cron',
      patternType: 'SpecificTimes',
      daysOfWeek: '1,2,3,4,5',
      runTimes: '06:00',
      isEnabled: true,
    };
    created = (await t.api().post(S).send({ ...base, changeReason: 'initial', steps: [exportStep(), sqlStep()] }).expect(201)).body;
    id = created.id;
    [exportStepId, sqlStepId] = created.steps.map((s: { id: string }) => s.id);
    updated = (
      await t.api()
        .put(`${S}/${id}`)
        .send({
          ...base,
          name: 'History renamed',
          runTimes: '07:30',
          changeReason: 'retime',
          steps: [
            exportStep({ id: exportStepId, timeoutSeconds: 120 }),
            sqlStep({ id: sqlStepId, sqlConnectionString: CS2 }),
            { stepIndex: 2, name: 'Notify', stepType: 'Executable', executablePath: '/bin/echo', arguments: 'done' },
          ],
        })
        .expect(200)
    ).body;
    addedStepId = updated.steps[2].id;
    await t.api().post(`${S}/${id}/disable?changeReason=pause`).expect(200);
    await t.api().post(`${S}/${id}/enable?changeReason=resume`).expect(200);
    await t.api().delete(`${S}/${id}?changeReason=retired`).expect(204);
  });

  afterAll(async () => {
    const everything = seen.join('\n');
    for (const secret of [FIRST_SECRET, SECOND_SECRET, CS1, CS2]) expect(everything).not.toContain(secret);
    await t.close();
  });

  describe('list', () => {
    it('lists every version of a deleted schedule, newest first, with reasons and the initiating key', async () => {
      const res = await get(history());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalCount: 5, page: 1, pageSize: 25, totalPages: 1, hasNextPage: false, hasPreviousPage: false });
      expect(Object.keys(res.body).sort()).toEqual(['hasNextPage', 'hasPreviousPage', 'items', 'page', 'pageSize', 'totalCount', 'totalPages']);
      const initiator = { initiatedByType: 'ApiKey', initiatedById: adminKeyId, initiatedByName: 'Test administrator' };
      expect(res.body.items).toEqual([
        { version: 5, operation: 'Delete', changeReason: 'retired', changedAt: expect.any(String), ...initiator },
        { version: 4, operation: 'Enable', changeReason: 'resume', changedAt: expect.any(String), ...initiator },
        { version: 3, operation: 'Disable', changeReason: 'pause', changedAt: expect.any(String), ...initiator },
        { version: 2, operation: 'Update', changeReason: 'retime', changedAt: expect.any(String), ...initiator },
        { version: 1, operation: 'Create', changeReason: 'initial', changedAt: expect.any(String), ...initiator },
      ]);
      for (const item of res.body.items) {
        expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
        expect(item.changedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      const times = res.body.items.map((i: { changedAt: string }) => Date.parse(i.changedAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it('pages, and clamps the page size to 100', async () => {
      const second = await get(`${history()}?page=2&pageSize=2`);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ totalCount: 5, page: 2, pageSize: 2, totalPages: 3, hasNextPage: true, hasPreviousPage: true });
      expect(second.body.items.map((i: { version: number }) => i.version)).toEqual([3, 2]);
      const last = await get(`${history()}?page=3&pageSize=2`);
      expect(last.body).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
      expect(last.body.items.map((i: { version: number }) => i.version)).toEqual([1]);
      const beyond = await get(`${history()}?page=9`);
      expect(beyond.body).toMatchObject({ items: [], totalCount: 5, page: 9 });
      const clamped = await get(`${history()}?pageSize=500`);
      expect(clamped.body).toMatchObject({ pageSize: 100, totalPages: 1 });
    });

    it('rejects bad paging with VALIDATION_ERROR', async () => {
      for (const [query, field] of [['page=0', 'page'], ['pageSize=0', 'pageSize'], ['page=abc', 'page'], ['sort=x', 'sort']]) {
        const res = await get(`${history()}?${query}`);
        expect(res.status).toBe(400);
        expectErrorBody(res.body, 'VALIDATION_ERROR');
        expect(res.body.validationErrors).toHaveProperty([field]);
      }
    });

    it('is an empty page for an existing schedule with no recorded change, and 404 when there is neither', async () => {
      const plain = await t.api().post(S).send({ name: 'No history' }).expect(201);
      await t.db.query(`DELETE FROM configuration_changes WHERE target_id = $1`, [plain.body.id]);
      const empty = await get(`${S}/${plain.body.id}/change-history`);
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ items: [], totalCount: 0, page: 1, pageSize: 25, totalPages: 0, hasNextPage: false, hasPreviousPage: false });

      const missing = await get(`${S}/${UNKNOWN_ID}/change-history`);
      expect(missing.status).toBe(404);
      expectErrorBody(missing.body, 'NOT_FOUND');
      expect(missing.body.message).toBe(`Schedule not found: ${UNKNOWN_ID}`);
      const malformed = await get(`${S}/not-a-guid/change-history`);
      expect(malformed.status).toBe(404);
      expect(malformed.body.message).toBe('Schedule not found: not-a-guid');
    });
  });

  describe('one version', () => {
    it('returns the item and its redacted snapshot', async () => {
      const res = await get(history('/1'));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual([...ITEM_KEYS, 'snapshot'].sort());
      expect(res.body).toMatchObject({ version: 1, operation: 'Create', changeReason: 'initial', initiatedByName: 'Test administrator' });
      expect(res.body.snapshot).toEqual({
        name: 'History original',
        description: 'Nightly HR load',
        isEnabled: true,
        triggerType: 'Cron',
        patternType: 'SpecificTimes',
        daysOfWeek: '1,2,3,4,5',
        runTimes: '06:00',
        intervalValue: null,
        intervalUnit: null,
        intervalWindowStart: null,
        intervalWindowEnd: null,
        cronExpression: created.cronExpression,
        timeZone: created.timeZone,
        overlapPolicy: 'Skip',
        catchUpWindowSeconds: null,
        jitterSeconds: 0,
        steps: [
          snapshotStep(exportStepId, { name: 'Export', executablePath: '/bin/true', timeoutSeconds: 60 }),
          snapshotStep(sqlStepId, {
            stepIndex: 1,
            name: 'Load',
            stepType: 'SqlScript',
            sqlConnectionString: MASKED1,
            sqlPasswordChangedInVersion: 1,
            sqlScriptPath: '/opt/load.sql',
          }),
        ],
      });
    });

    it('has a null snapshot for the deletion', async () => {
      const res = await get(history('/5'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: 5, operation: 'Delete', changeReason: 'retired', snapshot: null });
    });

    it('404s a version that does not exist, or is not a version number', async () => {
      for (const version of ['6', '0', '99999999999', 'abc', '1.5', '-1']) {
        const res = await get(history(`/${version}`));
        expect(res.status).toBe(404);
        expectErrorBody(res.body, 'NOT_FOUND');
        expect(res.body.message).toBe(`Change version ${version} not found for schedule ${id}`);
      }
      const unknown = await get(`${S}/${UNKNOWN_ID}/change-history/1`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe(`Change version 1 not found for schedule ${UNKNOWN_ID}`);
    });
  });

  describe('compare', () => {
    const compare = async (from: number, to: number) => {
      const res = await get(history(`/compare?fromVersion=${from}&toVersion=${to}`));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ scheduleId: id, fromVersion: from, toVersion: to });
      expect(Object.keys(res.body).sort()).toEqual(['differences', 'fromVersion', 'scheduleId', 'toVersion']);
      return res.body.differences;
    };

    it('shows field-level differences of an update, steps matched by id, connection strings masked', async () => {
      expect(await compare(1, 2)).toEqual([
        { path: 'name', from: 'History original', to: 'History renamed' },
        { path: 'runTimes', from: '06:00', to: '07:30' },
        { path: 'cronExpression', from: created.cronExpression, to: updated.cronExpression },
        { path: `steps[${exportStepId}].timeoutSeconds`, from: 60, to: 120 },
        { path: `steps[${sqlStepId}].sqlConnectionString`, from: MASKED1, to: MASKED2, passwordChanged: true },
        {
          path: `steps[${addedStepId}]`,
          from: null,
          to: snapshotStep(addedStepId, { stepIndex: 2, name: 'Notify', executablePath: '/bin/echo', arguments: 'done' }),
        },
      ]);
      expect(created.cronExpression).not.toBe(updated.cronExpression);
    });

    it('runs in either direction; a removed step is reported whole', async () => {
      const backwards = await compare(2, 1);
      expect(backwards.map((d: { path: string }) => d.path)).toEqual([
        'name',
        'runTimes',
        'cronExpression',
        `steps[${exportStepId}].timeoutSeconds`,
        `steps[${sqlStepId}].sqlConnectionString`,
        `steps[${addedStepId}]`,
      ]);
      expect(backwards[5]).toMatchObject({ from: { id: addedStepId, name: 'Notify' }, to: null });
    });

    it('shows enable and disable, and nothing between a version and itself', async () => {
      expect(await compare(2, 3)).toEqual([{ path: 'isEnabled', from: true, to: false }]);
      expect(await compare(3, 4)).toEqual([{ path: 'isEnabled', from: false, to: true }]);
      expect(await compare(2, 4)).toEqual([]);
      expect(await compare(3, 3)).toEqual([]);
    });

    it('compares with the deletion: every field with a value goes to null, every step is removed', async () => {
      const v4 = (await get(history('/4'))).body.snapshot;
      const differences = await compare(4, 5);
      expect(differences).toEqual([
        { path: 'name', from: 'History renamed', to: null },
        { path: 'description', from: 'Nightly HR load', to: null },
        { path: 'isEnabled', from: true, to: null },
        { path: 'triggerType', from: 'Cron', to: null },
        { path: 'patternType', from: 'SpecificTimes', to: null },
        { path: 'daysOfWeek', from: '1,2,3,4,5', to: null },
        { path: 'runTimes', from: '07:30', to: null },
        { path: 'cronExpression', from: updated.cronExpression, to: null },
        { path: 'timeZone', from: updated.timeZone, to: null },
        { path: 'overlapPolicy', from: 'Skip', to: null },
        { path: 'jitterSeconds', from: 0, to: null },
        { path: `steps[${exportStepId}]`, from: v4.steps[0], to: null },
        { path: `steps[${sqlStepId}]`, from: v4.steps[1], to: null },
        { path: `steps[${addedStepId}]`, from: v4.steps[2], to: null },
      ]);
      expect(v4.steps[1]).toMatchObject({ sqlConnectionString: MASKED2, sqlPasswordChangedInVersion: 2 });
      const restored = await compare(5, 1);
      expect(restored.filter((d: { from: unknown }) => d.from !== null)).toEqual([]);
      expect(restored).toHaveLength(13); // eleven fields and the two steps of version 1
    });

    it('is not taken for a version: "compare" without versions is a VALIDATION_ERROR', async () => {
      const res = await get(history('/compare'));
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors).toEqual({ fromVersion: ['is required'], toVersion: ['is required'] });
    });

    it.each([
      ['fromVersion=1', { toVersion: ['is required'] }],
      ['toVersion=2', { fromVersion: ['is required'] }],
      ['fromVersion=abc&toVersion=2', { fromVersion: ['must be a positive integer'] }],
      ['fromVersion=0&toVersion=2', { fromVersion: ['must be a positive integer'] }],
      ['fromVersion=-1&toVersion=2', { fromVersion: ['must be a positive integer'] }],
      ['fromVersion=1&toVersion=1.5', { toVersion: ['must be a positive integer'] }],
      ['fromVersion=1&toVersion=99999999999', { toVersion: ['must be a positive integer'] }],
      ['fromVersion=1&toVersion=', { toVersion: ['must be a positive integer'] }],
      ['fromVersion=1&toVersion=2&extra=1', { extra: ['is not a known property'] }],
    ])('?%s → 400 VALIDATION_ERROR', async (query, errors) => {
      const res = await get(history(`/compare?${query}`));
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors).toEqual(errors);
    });

    it('404s when either version is missing', async () => {
      for (const [from, to, missing] of [[1, 6, 6], [7, 2, 7], [8, 9, 8]]) {
        const res = await get(history(`/compare?fromVersion=${from}&toVersion=${to}`));
        expect(res.status).toBe(404);
        expectErrorBody(res.body, 'NOT_FOUND');
        expect(res.body.message).toBe(`Change version ${missing} not found for schedule ${id}`);
      }
      const unknown = await get(`${S}/${UNKNOWN_ID}/change-history/compare?fromVersion=1&toVersion=2`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe(`Change version 1 not found for schedule ${UNKNOWN_ID}`);
    });
  });

  describe('secrets', () => {
    const password = 'Sh4red-pa55';
    const cs = `Host=shared.example;Port=5432;Database=hr;Username=jim;Password=${password}`;
    const masked = 'Host=shared.example;Port=5432;Database=hr;Username=jim;Password=***';
    const sqlOnly = (name: string, connectionString: string, stepId?: string) => ({
      name,
      steps: [{ ...(stepId ? { id: stepId } : {}), stepIndex: 0, stepType: 'SqlScript', sqlConnectionString: connectionString, sqlScriptPath: '/opt/x.sql' }],
    });

    it('keeps nothing derived from a password: two schedules with the same secret cannot be told apart by it', async () => {
      const a = (await t.api().post(S).send(sqlOnly('Secret A', cs)).expect(201)).body;
      const b = (await t.api().post(S).send(sqlOnly('Secret B', `Host=other.example;Port=5432;Database=crm;Username=bob;Password=${password}`)).expect(201)).body;
      const stepOf = async (scheduleId: string) => (await get(`${S}/${scheduleId}/change-history/1`)).body.snapshot.steps[0];
      expect(await stepOf(a.id)).toMatchObject({ sqlConnectionString: masked, sqlPasswordChangedInVersion: 1 });
      expect(await stepOf(b.id)).toMatchObject({
        sqlConnectionString: 'Host=other.example;Port=5432;Database=crm;Username=bob;Password=***',
        sqlPasswordChangedInVersion: 1,
      });
      const stored: { s: string }[] = await t.db.query(`SELECT snapshot::text AS s FROM configuration_changes WHERE snapshot IS NOT NULL`);
      for (const { s: snapshot } of stored) {
        expect(snapshot).not.toContain('hmac');
        expect(snapshot).not.toMatch(/[0-9a-f]{32}/);
        expect(snapshot).not.toContain(password);
      }
    });

    it('says whether the password changed between versions, and only that', async () => {
      const created = (await t.api().post(S).send(sqlOnly('Secret flags', cs)).expect(201)).body;
      const stepId = created.steps[0].id;
      const path = `steps[${stepId}].sqlConnectionString`;
      const update = (connectionString: string) => t.api().put(`${S}/${created.id}`).send(sqlOnly('Secret flags', connectionString, stepId)).expect(200);
      const compare = async (from: number, to: number) =>
        (await get(`${S}/${created.id}/change-history/compare?fromVersion=${from}&toVersion=${to}`)).body.differences;

      await update(`${masked};Timeout=30`); // v2: masked password kept, an option added
      await update(`Host=shared.example;Port=5432;Database=hr;Username=jim;Password=${password};Timeout=30`); // v3: same password re-sent
      await update('Host=shared.example;Port=5432;Database=hr;Username=jim;Password=rotated;Timeout=30'); // v4: rotated
      await t.api().post(`${S}/${created.id}/enable`).expect(200); // v5

      expect(await compare(1, 2)).toEqual([{ path, from: masked, to: `${masked};Timeout=30`, passwordChanged: false }]);
      expect(await compare(2, 3)).toEqual([]);
      expect(await compare(3, 4)).toEqual([{ path, from: `${masked};Timeout=30`, to: `${masked};Timeout=30`, passwordChanged: true }]);
      expect(await compare(1, 5)).toEqual([
        { path: 'isEnabled', from: false, to: true },
        { path, from: masked, to: `${masked};Timeout=30`, passwordChanged: true },
      ]);
      const versions = [];
      for (const version of [1, 2, 3, 4, 5]) versions.push((await get(`${S}/${created.id}/change-history/${version}`)).body.snapshot.steps[0].sqlPasswordChangedInVersion);
      expect(versions).toEqual([1, 1, 1, 4, 4]);
    });

    it('scrubs the fingerprints of history recorded before, keeping which versions changed the secret', async () => {
      const legacy = (await t.api().post(S).send(sqlOnly('Secret legacy', cs)).expect(201)).body;
      const stepId = legacy.steps[0].id;
      const legacyStep = (fingerprint: string | null) => ({ id: stepId, stepIndex: 0, stepType: 'SqlScript', sqlConnectionString: fingerprint, sqlScriptPath: '/opt/x.sql' });
      const [one, two] = ['hmac-sha256:' + 'a'.repeat(64), 'hmac-sha256:' + 'b'.repeat(64)];
      await t.db.query(`DELETE FROM configuration_changes WHERE target_id = $1`, [legacy.id]);
      for (const [version, fingerprint] of [[1, one], [2, one], [3, two], [4, two], [5, null]] as const) {
        await t.db.query(
          `INSERT INTO configuration_changes (target_type, target_id, target_name, version, operation, snapshot, initiated_by_type, changed_at)
           VALUES ('Schedule', $1, 'Secret legacy', $2, 'Update', $3::jsonb, 'System', now())`,
          [legacy.id, version, JSON.stringify({ name: 'Secret legacy', steps: [legacyStep(fingerprint)] })],
        );
      }
      // As on an upgrade: the migration has not run yet, and runs with the others at start-up.
      await t.db.query(`DELETE FROM schema_migrations WHERE name = 'ScrubSecretFingerprints1764640800000'`);
      expect(await migrate(t.db)).toEqual(['ScrubSecretFingerprints1764640800000']);
      const rows: { s: string }[] = await t.db.query(`SELECT snapshot::text AS s FROM configuration_changes`);
      expect(rows.map((r) => r.s).join()).not.toContain('hmac-sha256');
      const steps = [];
      for (const version of [1, 2, 3, 4, 5]) steps.push((await get(`${S}/${legacy.id}/change-history/${version}`)).body.snapshot.steps[0]);
      expect(steps.map((step) => [step.sqlConnectionString, step.sqlPasswordChangedInVersion ?? null])).toEqual([
        ['***', 1],
        ['***', 1],
        ['***', 3],
        ['***', 3],
        [null, null],
      ]);
      // The next change carries on from the scrubbed history.
      await t.api().put(`${S}/${legacy.id}`).send(sqlOnly('Secret legacy', masked, stepId)).expect(200);
      expect((await get(`${S}/${legacy.id}/change-history/6`)).body.snapshot.steps[0]).toMatchObject({ sqlConnectionString: masked, sqlPasswordChangedInVersion: 6 });
    });
  });

  describe('authentication and role', () => {
    const routes = () => [history(), history('/1'), history('/compare?fromVersion=1&toVersion=2')];

    it('401s every route without a valid key', async () => {
      for (const path of routes()) {
        for (const key of [undefined, 'jim_ak_' + 'f'.repeat(64)]) {
          const r = request(t.http).get(path);
          const res = await (key ? r.set('X-API-Key', key) : r);
          expect(res.status).toBe(401);
          expectErrorBody(res.body, 'UNAUTHORISED');
        }
      }
    });

    it('403s every route for a key without the Administrator role', async () => {
      const user = await createApiKey(t.db, { name: 'history user', roles: ['User'] });
      for (const path of routes()) {
        const res = await request(t.http).get(path).set('X-API-Key', user.key);
        expect(res.status).toBe(403);
        expectErrorBody(res.body, 'FORBIDDEN');
      }
    });
  });
});
