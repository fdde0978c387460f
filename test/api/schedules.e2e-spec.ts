import { SecretCipher } from '@jim/persistence';
import { parseSqlConnectionString } from '@jim/steps';
import { compileTriggerOrThrow } from '@jim/trigger';
import { SEED_EXAMPLES, type SeedExample } from '../fixtures/seed-examples';
import { ENCRYPTION_KEY, createTestApp, expectErrorBody, type TestApp } from '../support/test-app';

const CS = '/api/v1/synchronisation/connected-systems';
const S = '/api/v1/schedules';

describe('Schedules API', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  async function rowCounts(): Promise<{ schedules: number; steps: number; changes: number }> {
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM schedules) AS schedules, (SELECT count(*)::int FROM schedule_steps) AS steps,
              (SELECT count(*)::int FROM configuration_changes) AS changes`,
    );
    return row;
  }

  /** Creates the connected systems and run profiles an example names; returns example id → real id maps. */
  async function fixturesFor(example: SeedExample, tag: string) {
    const systems = new Map<number, number>();
    const profiles = new Map<number, number>();
    for (const f of example.fixtures ?? []) {
      const cs = await t.api().post(CS).send({ name: `${tag} system ${f.connectedSystemId}` }).expect(201);
      systems.set(f.connectedSystemId, cs.body.id);
      for (const rp of f.runProfileIds) {
        const created = await t.api().post(`${CS}/${cs.body.id}/run-profiles`).send({ name: `Profile ${rp}`, runType: 'DeltaImport' }).expect(201);
        profiles.set(rp, created.body.id);
      }
    }
    return { systems, profiles };
  }

  function mapIds(body: Record<string, unknown>, ids: { systems: Map<number, number>; profiles: Map<number, number> }) {
    const steps = (body.steps as Record<string, unknown>[] | undefined)?.map((s) => ({
      ...s,
      ...(s.connectedSystemId ? { connectedSystemId: ids.systems.get(s.connectedSystemId as number) } : {}),
      ...(s.runProfileId ? { runProfileId: ids.profiles.get(s.runProfileId as number) } : {}),
    }));
    return steps ? { ...body, steps } : body;
  }

  describe('every example of the documentation page', () => {
    it.each(SEED_EXAMPLES.map((e) => [e.title, e] as const))('%s → 201 with the full schedule', async (_title, example) => {
      const ids = await fixturesFor(example, example.body.name as string);
      const body = mapIds(example.body, ids);
      const res = await t.api().post(S).set('Content-Type', 'application/json').send(JSON.stringify(body)).expect(201);
      expect(res.headers.location).toBe(`/api/v1/schedules/${res.body.id}`);

      const b = example.body;
      const isCron = b.triggerType === 'Cron';
      const expectedCron = isCron
        ? compileTriggerOrThrow({ ...(b as object), timeZone: "UTC" } as never).cronExpression
        : null;
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: b.name,
        description: b.description ?? null,
        triggerType: b.triggerType,
        patternType: b.patternType ?? 'SpecificTimes',
        daysOfWeek: isCron && b.patternType !== 'Custom' ? b.daysOfWeek : null,
        runTimes: b.patternType === 'SpecificTimes' ? b.runTimes : null,
        intervalValue: b.intervalValue ?? null,
        intervalUnit: b.intervalUnit ?? null,
        intervalWindowStart: b.intervalWindowStart ?? null,
        intervalWindowEnd: b.intervalWindowEnd ?? null,
        cronExpression: b.patternType === 'Custom' ? b.cronExpression : expectedCron,
        timeZone: 'UTC',
        isEnabled: b.isEnabled ?? false,
        lastRunTime: null,
        stepCount: (b.steps as unknown[] | undefined)?.length ?? 0,
        created: expect.any(String),
        lastExecutionId: null,
      });
      if (isCron) {
        expect(new Date(res.body.nextRunTime).getTime()).toBeGreaterThan(Date.now() - 1000);
        expect(res.body.nextRunTime).toBe(compileTriggerOrThrow(b as never).next(new Date(res.body.created))?.toISOString());
      } else {
        expect(res.body.nextRunTime).toBeNull();
      }
      const sent = (body.steps as Record<string, unknown>[] | undefined) ?? [];
      expect(res.body.steps).toHaveLength(sent.length);
      sent.forEach((step, i) => {
        const got = res.body.steps[i];
        expect(got).toMatchObject({
          id: expect.any(String),
          stepIndex: step.stepIndex,
          stepType: step.stepType,
          name: step.name ?? null,
          continueOnFailure: step.continueOnFailure ?? false,
          timeoutSeconds: step.timeoutSeconds ?? null,
          connectedSystemId: step.connectedSystemId ?? null,
          runProfileId: step.runProfileId ?? null,
          scriptPath: step.scriptPath ?? null,
          arguments: step.arguments ?? null,
          executablePath: null,
          workingDirectory: null,
          sqlConnectionString: null,
          sqlScriptPath: null,
        });
        const samePrevious = i > 0 && sent[i - 1].stepIndex === step.stepIndex;
        expect(got.executionMode).toBe(samePrevious ? 'ParallelWithPrevious' : 'Sequential');
        if (step.stepType === 'RunProfile') {
          expect(got.connectedSystemName).toMatch(/system/);
          expect(got.runProfileName).toMatch(/^Profile /);
        }
      });
      await t.api().get(`/api/v1/schedules/${res.body.id}`).expect(200, res.body);
    });
  });

  describe('validation', () => {
    const base = { name: 'Valid', triggerType: 'Manual' };
    const step = (extra: Record<string, unknown>) => ({ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true', ...extra });
    const cases: [string, Record<string, unknown>, string, string | null][] = (<[string, Record<string, unknown>, string, string?][]>[
      ['missing name', { triggerType: 'Manual' }, 'name'],
      ['empty name', { name: '' }, 'name'],
      ['blank name', { name: '   ' }, 'name', 'must not be blank'],
      ['name of 201 characters', { name: 'n'.repeat(201) }, 'name'],
      ['name as a number', { name: 42 }, 'name'],
      ['description of 1001 characters', { ...base, description: 'd'.repeat(1001) }, 'description'],
      ['numeric triggerType', { ...base, triggerType: 0 }, 'triggerType'],
      ['unknown triggerType', { ...base, triggerType: 'Hourly' }, 'triggerType'],
      ['numeric patternType', { ...base, patternType: 1 }, 'patternType'],
      ['intervalValue 0', { ...base, intervalValue: 0 }, 'intervalValue'],
      ['intervalValue 60', { ...base, intervalValue: 60 }, 'intervalValue'],
      ['intervalValue as text', { ...base, intervalValue: '5' }, 'intervalValue'],
      ['isEnabled as text', { ...base, isEnabled: 'true' }, 'isEnabled'],
      ['unknown property', { ...base, colour: 'red' }, 'colour', 'is not a known property'],
      ['steps not an array', { ...base, steps: {} }, 'steps'],
      ['stepIndex -1', { ...base, steps: [step({ stepIndex: -1 })] }, 'steps[0].stepIndex'],
      ['stepIndex 1001', { ...base, steps: [step({ stepIndex: 1001 })] }, 'steps[0].stepIndex'],
      ['stepIndex missing', { ...base, steps: [{ stepType: 'Executable', executablePath: '/bin/true' }] }, 'steps[0].stepIndex'],
      ['stepType missing', { ...base, steps: [{ stepIndex: 0 }] }, 'steps[0].stepType'],
      ['numeric stepType', { ...base, steps: [step({ stepType: 2 })] }, 'steps[0].stepType'],
      ['numeric executionMode', { ...base, steps: [step({ executionMode: 1 })] }, 'steps[0].executionMode'],
      ['timeoutSeconds 0', { ...base, steps: [step({}), step({ timeoutSeconds: 0 })] }, 'steps[1].timeoutSeconds'],
      ['timeoutSeconds 86401', { ...base, steps: [step({}), step({ timeoutSeconds: 86401 })] }, 'steps[1].timeoutSeconds'],
      ['timeoutSeconds 1.5', { ...base, steps: [step({ timeoutSeconds: 1.5 })] }, 'steps[0].timeoutSeconds'],
      ['step name of 201', { ...base, steps: [step({ name: 's'.repeat(201) })] }, 'steps[0].name'],
      ['scriptPath of 501', { ...base, steps: [step({ stepType: 'PowerShell', scriptPath: '/' + 'p'.repeat(500) })] }, 'steps[0].scriptPath'],
      ['arguments of 2001', { ...base, steps: [step({ arguments: 'a'.repeat(2001) })] }, 'steps[0].arguments'],
      ['executablePath of 501', { ...base, steps: [step({ executablePath: '/' + 'e'.repeat(500) })] }, 'steps[0].executablePath'],
      ['workingDirectory of 501', { ...base, steps: [step({ workingDirectory: '/' + 'w'.repeat(500) })] }, 'steps[0].workingDirectory'],
      ['sqlConnectionString of 501', { ...base, steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlScriptPath: '/x.sql', sqlConnectionString: 'c'.repeat(501) }] }, 'steps[0].sqlConnectionString'],
      ['unknown step property', { ...base, steps: [step({ shell: true })] }, 'steps[0].shell'],
      ['RunProfile without ids', { ...base, steps: [{ stepIndex: 0, stepType: 'RunProfile' }] }, 'steps[0].connectedSystemId', 'Connected System ID is required for RunProfile steps'],
      ['RunProfile without run profile', { ...base, steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1 }] }, 'steps[0].runProfileId', 'Run Profile ID is required for RunProfile steps'],
      ['PowerShell without script', { ...base, steps: [{ stepIndex: 0, stepType: 'PowerShell' }] }, 'steps[0].scriptPath', 'Script path is required for PowerShell steps'],
      ['Executable without path', { ...base, steps: [{ stepIndex: 0, stepType: 'Executable' }] }, 'steps[0].executablePath', 'Executable path is required for Executable steps'],
      ['SqlScript without connection', { ...base, steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlScriptPath: '/x.sql' }] }, 'steps[0].sqlConnectionString', 'Connection string is required for SqlScript steps'],
      ['SqlScript without script', { ...base, steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlConnectionString: 'postgres://u:p@h/db' }] }, 'steps[0].sqlScriptPath', 'SQL script path is required for SqlScript steps'],
      ['unterminated quote in arguments', { ...base, steps: [step({ arguments: '"open' })] }, 'steps[0].arguments'],
      ['Cron Custom without expression', { name: 'c', triggerType: 'Cron', patternType: 'Custom' }, 'cronExpression', 'Cron expression is required for scheduled triggers'],
      ['invalid cron', { name: 'c', triggerType: 'Cron', patternType: 'Custom', cronExpression: '61 * * * *' }, 'cronExpression'],
      ['cron that never fires', { name: 'c', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 0 31 2 *' }, 'cronExpression'],
      ['bad run time', { name: 'c', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1', runTimes: '25:00' }, 'runTimes'],
      ['no days', { name: 'c', triggerType: 'Cron', patternType: 'SpecificTimes', runTimes: '06:00' }, 'daysOfWeek'],
      ['24 hours interval', { name: 'c', triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 24, intervalUnit: 'Hours' }, 'intervalValue'],
      ['unknown time zone', { name: 'c', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 * * * *', timeZone: 'Mars/Olympus' }, 'timeZone'],
      ['changeReason of 2001', { ...base, changeReason: 'r'.repeat(2001) }, 'changeReason'],
    ]).map(([name, body, field, message]) => [name, body, field, message ?? null]);

    it.each(cases)('%s → 400 VALIDATION_ERROR naming the field, nothing written', async (_name, body, field, message) => {
      const before = await rowCounts();
      const res = await t.api().post(S).send(body).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.validationErrors).toHaveProperty([field]);
      if (message) expect(res.body.validationErrors[field]).toContain(message);
      expect(await rowCounts()).toEqual(before);
    });

    it('accepts the boundary values on the valid side', async () => {
      const res = await t.api()
        .post(S)
        .send({
          name: 'b'.repeat(200),
          description: 'd'.repeat(1000),
          triggerType: 'Manual',
          intervalValue: 59,
          changeReason: 'r'.repeat(2000),
          steps: [
            step({ stepIndex: 0, timeoutSeconds: 1, name: 's'.repeat(200), arguments: 'a'.repeat(2000), executablePath: '/' + 'e'.repeat(499), workingDirectory: '/' + 'w'.repeat(499) }),
            step({ stepIndex: 1000, timeoutSeconds: 86400 }),
            { stepIndex: 5, stepType: 'PowerShell', scriptPath: '/' + 'p'.repeat(499) },
          ],
        })
        .expect(201);
      expect(res.body.steps.map((s: { stepIndex: number }) => s.stepIndex)).toEqual([0, 5, 1000]);
      const cron = await t.api().post(S).send({ name: 'hours 23', triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 23, intervalUnit: 'Hours' }).expect(201);
      expect(cron.body.intervalValue).toBe(23);
      const minutes = await t.api().post(S).send({ name: 'minutes 1', triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 1, intervalUnit: 'Minutes' }).expect(201);
      expect(minutes.body.cronExpression).toBe(
        compileTriggerOrThrow({ triggerType: 'Cron', patternType: 'Interval', daysOfWeek: '1', intervalValue: 1, intervalUnit: 'Minutes' }).cronExpression,
      );
    });

    it('reports malformed JSON as VALIDATION_ERROR', async () => {
      const res = await t.api().post(S).set('Content-Type', 'application/json').send('{"name": "x",').expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
    });

    it('rejects a body larger than the limit with the error body', async () => {
      const res = await t.api().post(S).send({ name: 'big', description: 'x'.repeat(3 * 1024 * 1024) }).expect(413);
      expectErrorBody(res.body, 'PAYLOAD_TOO_LARGE');
    });

    it('collects every problem at once', async () => {
      const res = await t.api()
        .post(S)
        .send({ name: 'multi', triggerType: 'Cron', patternType: 'SpecificTimes', runTimes: '6am', steps: [{ stepIndex: 0, stepType: 'Executable' }] })
        .expect(400);
      expect(Object.keys(res.body.validationErrors).sort()).toEqual(['daysOfWeek', 'runTimes', 'steps[0].executablePath']);
    });

    it('checks that run profiles exist and belong to the connected system', async () => {
      const a = await t.api().post(CS).send({ name: 'A' }).expect(201);
      const b = await t.api().post(CS).send({ name: 'B' }).expect(201);
      const rpB = await t.api().post(`${CS}/${b.body.id}/run-profiles`).send({ name: 'rp', runType: 'Export' }).expect(201);
      const before = await rowCounts();
      const wrongOwner = await t.api()
        .post(S)
        .send({ name: 'refs', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: a.body.id, runProfileId: rpB.body.id }] })
        .expect(400);
      expect(wrongOwner.body.validationErrors['steps[0].runProfileId'][0]).toBe(
        `Run Profile ${rpB.body.id} does not belong to Connected System ${a.body.id}`,
      );
      const missing = await t.api()
        .post(S)
        .send({ name: 'refs', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 999999, runProfileId: 1 }] })
        .expect(400);
      expect(missing.body.validationErrors['steps[0].connectedSystemId'][0]).toBe('Connected System 999999 does not exist');
      const missingProfile = await t.api()
        .post(S)
        .send({ name: 'refs', steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: a.body.id, runProfileId: 999999 }] })
        .expect(400);
      expect(missingProfile.body.validationErrors['steps[0].runProfileId'][0]).toBe('Run Profile 999999 does not exist');
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('names are unique ignoring case', () => {
    it('answers 409 CONFLICT on create and on rename, writing nothing', async () => {
      await t.api().post(S).send({ name: 'Nightly Export' }).expect(201);
      const before = await rowCounts();
      const dup = await t.api().post(S).send({ name: 'NIGHTLY export', steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] }).expect(409);
      expectErrorBody(dup.body, 'CONFLICT');
      expect(await rowCounts()).toEqual(before);
      const other = await t.api().post(S).send({ name: 'Other' }).expect(201);
      const rename = await t.api().put(`${S}/${other.body.id}`).send({ name: 'nightly EXPORT' }).expect(409);
      expectErrorBody(rename.body, 'CONFLICT');
    });

    it('lets exactly one of several concurrent creates with the same name win', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => t.api().post(S).send({ name: 'Race' })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    });
  });

  describe('update, enable, disable, delete', () => {
    it('round-trips GET → edit → PUT, matching steps by id', async () => {
      const created = await t.api()
        .post(S)
        .send({
          name: 'Round trip',
          triggerType: 'Cron',
          patternType: 'Custom',
          cronExpression: '0 4 * * *',
          isEnabled: true,
          steps: [
            { stepIndex: 0, stepType: 'Executable', name: 'keep', executablePath: '/bin/true' },
            { stepIndex: 1, stepType: 'Executable', name: 'drop', executablePath: '/bin/false' },
          ],
        })
        .expect(201);
      const got = (await t.api().get(`${S}/${created.body.id}`).expect(200)).body;
      const edited = {
        ...got,
        description: 'edited',
        steps: [{ ...got.steps[0], name: 'kept', timeoutSeconds: 60 }, { stepIndex: 1, stepType: 'Executable', name: 'new', executablePath: '/bin/echo' }],
      };
      const updated = await t.api().put(`${S}/${created.body.id}`).send(edited).expect(200);
      expect(updated.body.description).toBe('edited');
      expect(updated.body.steps).toHaveLength(2);
      expect(updated.body.steps[0]).toMatchObject({ id: got.steps[0].id, name: 'kept', timeoutSeconds: 60 });
      expect(updated.body.steps[1].id).not.toBe(got.steps[1].id);
      expect(updated.body.steps[1].name).toBe('new');
      expect(updated.body.nextRunTime).not.toBeNull();
      expect(updated.body.lastUpdated).not.toBeNull();
      const gone = await t.db.query(`SELECT count(*)::int AS n FROM schedule_steps WHERE id = $1`, [got.steps[1].id]);
      expect(gone[0].n).toBe(0);
    });

    it('recomputes nextRunTime on update, enable and disable; stepCount is right', async () => {
      const s = await t.api()
        .post(S)
        .send({ name: 'Toggle', triggerType: 'Cron', patternType: 'Custom', cronExpression: '0 5 * * *', steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/true' }] })
        .expect(201);
      expect(s.body.nextRunTime).toBeNull();
      const enabled = await t.api().post(`${S}/${s.body.id}/enable?changeReason=go`).expect(200);
      expect(enabled.body).toMatchObject({ isEnabled: true, stepCount: 1 });
      expect(enabled.body.nextRunTime).toMatch(/T05:00:00\.000Z$/);
      expect(enabled.body.steps).toBeUndefined();
      const retimed = await t.api().put(`${S}/${s.body.id}`).send({ ...s.body, isEnabled: true, cronExpression: '30 6 * * *' }).expect(200);
      expect(retimed.body.nextRunTime).toMatch(/T06:30:00\.000Z$/);
      const manual = await t.api().put(`${S}/${s.body.id}`).send({ ...s.body, isEnabled: true, triggerType: 'Manual' }).expect(200);
      expect(manual.body).toMatchObject({ nextRunTime: null, cronExpression: null });
      const disabled = await t.api().post(`${S}/${s.body.id}/disable`).expect(200);
      expect(disabled.body).toMatchObject({ isEnabled: false, nextRunTime: null, stepCount: 1 });
    });

    it('keeps the stored SQL secret when the masked value is sent back; stores it encrypted', async () => {
      const cs = 'Host=db.example;Port=5432;Database=hr;Username=jim;Password=s3cr3t!';
      const created = await t.api()
        .post(S)
        .send({ name: 'Sql', steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlConnectionString: cs, sqlScriptPath: '/opt/x.sql' }] })
        .expect(201);
      const masked = created.body.steps[0].sqlConnectionString;
      expect(masked).not.toContain('s3cr3t!');
      expect(masked).toContain('***');
      const [stored] = await t.db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1`, [created.body.id]);
      expect(stored.sql_connection_string).not.toContain('s3cr3t!');
      expect(stored.sql_connection_string).toMatch(/^v1:/);
      await t.api().put(`${S}/${created.body.id}`).send(created.body).expect(200);
      const [after] = await t.db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1`, [created.body.id]);
      expect(after.sql_connection_string).toBe(stored.sql_connection_string);
      const history = await t.db.query(`SELECT snapshot::text AS s FROM configuration_changes WHERE target_id = $1`, [created.body.id]);
      expect(history.map((h: { s: string }) => h.s).join()).not.toContain('s3cr3t!');
      const newStep = await t.api()
        .post(S)
        .send({ name: 'Sql masked', steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlConnectionString: masked, sqlScriptPath: '/opt/x.sql' }] })
        .expect(400);
      expect(newStep.body.validationErrors).toHaveProperty(['steps[0].sqlConnectionString']);
    });

    it('keeps a masked password only for the same server; other parts may change with it', async () => {
      const cipher = new SecretCipher(Buffer.from(ENCRYPTION_KEY, 'hex'));
      const storedString = async (scheduleId: string): Promise<string> => {
        const [row] = await t.db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1`, [scheduleId]);
        return cipher.decrypt(row.sql_connection_string);
      };
      const sqlSchedule = (name: string, cs: string) => ({
        name,
        steps: [{ stepIndex: 0, stepType: 'SqlScript', sqlConnectionString: cs, sqlScriptPath: '/opt/x.sql' }],
      });
      const put = (created: { body: { id: string; steps: { id: string }[] } }, name: string, cs: string) => {
        const body = sqlSchedule(name, cs);
        return t.api().put(`${S}/${created.body.id}`).send({ ...body, steps: [{ ...body.steps[0], id: created.body.steps[0].id }] });
      };

      const cs = 'Host=db.example;Port=5432;Database=hr;Username=jim;Password=s3cr3t!';
      const kv = await t.api().post(S).send(sqlSchedule('Sql server kv', cs)).expect(201);
      const masked = kv.body.steps[0].sqlConnectionString;
      expect(masked).toBe('Host=db.example;Port=5432;Database=hr;Username=jim;Password=***');
      for (const other of [
        'Host=evil.example;Port=5432;Database=hr;Username=jim;Password=***',
        'Host=db.example;Port=6543;Database=hr;Username=jim;Password=***',
        'Host=db.example;Port=5432;Database=payroll;Username=jim;Password=***',
        'Host=db.example;Port=5432;Database=hr;Username=root;Password=***',
        'Provider=MySQL;Host=db.example;Port=5432;Database=hr;Username=jim;Password=***',
        'postgresql://jim:***@evil.example:5432/hr',
      ]) {
        const res = await put(kv, 'Sql server kv', other).expect(400);
        expectErrorBody(res.body, 'VALIDATION_ERROR');
        expect(Object.keys(res.body.validationErrors)).toEqual(['steps[0].sqlConnectionString']);
        expect(res.body.validationErrors['steps[0].sqlConnectionString'][0]).toMatch(/re-enter the password to change the server$/);
        expect(await storedString(kv.body.id)).toBe(cs);
      }
      // Masking more than the password is not a masked password either.
      const whole = await put(kv, 'Sql server kv', '***').expect(400);
      expect(whole.body.validationErrors).toHaveProperty(['steps[0].sqlConnectionString']);
      expect(await storedString(kv.body.id)).toBe(cs);

      // Same server (the host's case does not matter), new options: the stored password stays, the options are stored.
      const retuned = await put(kv, 'Sql server kv', 'host=DB.example;Port=5432;Database=hr;Username=jim;Password=***;Timeout=30;SSL Mode=require').expect(200);
      expect(retuned.body.steps[0].sqlConnectionString).toBe('host=DB.example;Port=5432;Database=hr;Username=jim;Password=***;Timeout=30;SSL Mode=require');
      expect(await storedString(kv.body.id)).toBe('host=DB.example;Port=5432;Database=hr;Username=jim;Password=s3cr3t!;Timeout=30;SSL Mode=require');
      // A new server with its password re-entered is a plain edit.
      await put(kv, 'Sql server kv', 'Host=db2.example;Port=5432;Database=hr;Username=jim;Password=n3w').expect(200);
      expect(await storedString(kv.body.id)).toBe('Host=db2.example;Port=5432;Database=hr;Username=jim;Password=n3w');

      // The URL form, with a password that needs quoting or encoding in either form.
      const url = await t.api().post(S).send(sqlSchedule('Sql server url', 'postgresql://jim:p%40ss%3Bw%22rd@db.example/hr')).expect(201);
      expect(url.body.steps[0].sqlConnectionString).toBe('postgresql://jim:***@db.example/hr');
      await put(url, 'Sql server url', 'postgresql://jim:***@db.example:5432/hr?connect_timeout=5&sslmode=require').expect(200);
      const parsed = parseSqlConnectionString(await storedString(url.body.id));
      expect(parsed).toMatchObject({ host: 'db.example', port: 5432, database: 'hr', user: 'jim', password: 'p@ss;w"rd', sslMode: 'require', options: { connect_timeout: '5' } });
      await put(url, 'Sql server url', 'Host=db.example;Database=hr;Username=jim;Password=***').expect(200);
      expect(parseSqlConnectionString(await storedString(url.body.id))).toMatchObject({ form: 'keyValue', password: 'p@ss;w"rd' });
      await put(url, 'Sql server url', 'postgresql://jim:***@db.example:5432/crm').expect(400);
    });

    it('records every change with its initiator and reason', async () => {
      const s = await t.api().post(S).send({ name: 'Audited', changeReason: 'first' }).expect(201);
      await t.api().put(`${S}/${s.body.id}`).send({ name: 'Audited', description: 'x', changeReason: 'second' }).expect(200);
      await t.api().post(`${S}/${s.body.id}/enable?changeReason=third`).expect(200);
      await t.api().post(`${S}/${s.body.id}/disable?changeReason=fourth`).expect(200);
      await t.api().delete(`${S}/${s.body.id}?changeReason=fifth`).expect(204);
      const rows = await t.db.query(
        `SELECT version, operation, change_reason, initiated_by_type, initiated_by_name FROM configuration_changes WHERE target_id = $1 ORDER BY version`,
        [s.body.id],
      );
      expect(rows).toEqual([
        { version: 1, operation: 'Create', change_reason: 'first', initiated_by_type: 'ApiKey', initiated_by_name: 'Test administrator' },
        { version: 2, operation: 'Update', change_reason: 'second', initiated_by_type: 'ApiKey', initiated_by_name: 'Test administrator' },
        { version: 3, operation: 'Enable', change_reason: 'third', initiated_by_type: 'ApiKey', initiated_by_name: 'Test administrator' },
        { version: 4, operation: 'Disable', change_reason: 'fourth', initiated_by_type: 'ApiKey', initiated_by_name: 'Test administrator' },
        { version: 5, operation: 'Delete', change_reason: 'fifth', initiated_by_type: 'ApiKey', initiated_by_name: 'Test administrator' },
      ]);
    });

    it('404s on every route for an unknown or malformed id', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      for (const [method, path] of [
        ['get', `${S}/${id}`],
        ['put', `${S}/${id}`],
        ['delete', `${S}/${id}`],
        ['post', `${S}/${id}/enable`],
        ['post', `${S}/${id}/disable`],
        ['get', `${S}/${id}/next-runs`],
        ['get', `${S}/not-a-guid`],
      ] as const) {
        const res = await t.api()[method](path).send(method === 'put' ? { name: 'x' } : undefined);
        expect(res.status).toBe(404);
        expectErrorBody(res.body, 'NOT_FOUND');
      }
      const res = await t.api().get(`${S}/${id}`);
      expect(res.body.message).toBe(`Schedule not found: ${id}`);
    });
  });

  describe('list and next runs', () => {
    it('pages, searches name and description, and sorts', async () => {
      for (const [name, description] of [
        ['Zeta list', 'alpha payroll'],
        ['Alpha list', null],
        ['Mid list', 'beta'],
      ]) {
        await t.api().post(S).send({ name, description }).expect(201);
      }
      const search = await t.api().get(`${S}?search=PAYROLL`).expect(200);
      expect(search.body.items.map((i: { name: string }) => i.name)).toEqual(['Zeta list']);
      const sorted = await t.api().get(`${S}?search=list&sortBy=name&sortDescending=true`).expect(200);
      expect(sorted.body.items.map((i: { name: string }) => i.name)).toEqual(['Zeta list', 'Mid list', 'Alpha list']);
      const paged = await t.api().get(`${S}?search=list&sortBy=name&page=2&pageSize=2`).expect(200);
      expect(paged.body).toMatchObject({ totalCount: 3, page: 2, pageSize: 2, totalPages: 2, hasNextPage: false, hasPreviousPage: true });
      expect(paged.body.items.map((i: { name: string }) => i.name)).toEqual(['Zeta list']);
      const clamped = await t.api().get(`${S}?pageSize=500`).expect(200);
      expect(clamped.body.pageSize).toBe(100);
      const wildcard = await t.api().get(`${S}?search=%25`).expect(200);
      expect(wildcard.body.totalCount).toBe(0);
      expect(search.body.items[0]).toMatchObject({ stepCount: 0, lastExecutionId: null, lastExecutionStatus: null });
    });

    it.each([['pageSize=0'], ['page=0'], ['page=abc'], ['sortBy=colour'], ['sortDescending=maybe'], ['page=999999999']])(
      'rejects %s with VALIDATION_ERROR',
      async (query) => {
        const res = await t.api().get(`${S}?${query}`).expect(400);
        expectErrorBody(res.body, 'VALIDATION_ERROR');
      },
    );

    it('previews the next runs strictly after a given instant, in UTC', async () => {
      const s = await t.api()
        .post(S)
        .send({ name: 'Preview', triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: '1,2,3,4,5', runTimes: '06:30,18:00', timeZone: 'Europe/London' })
        .expect(201);
      const res = await t.api().get(`${S}/${s.body.id}/next-runs?count=4&after=2026-07-03T06:30:00Z`).expect(200);
      expect(res.body).toEqual({
        scheduleId: s.body.id,
        timeZone: 'Europe/London',
        cronExpression: s.body.cronExpression,
        nextRuns: ['2026-07-03T17:00:00.000Z', '2026-07-06T05:30:00.000Z', '2026-07-06T17:00:00.000Z', '2026-07-07T05:30:00.000Z'],
        jitterSeconds: 0,
        jitterNote: null,
      });
      const defaults = await t.api().get(`${S}/${s.body.id}/next-runs`).expect(200);
      expect(defaults.body.nextRuns).toHaveLength(10);
      expect(new Date(defaults.body.nextRuns[0]).getTime()).toBeGreaterThan(Date.now());
      for (const q of ['count=0', 'count=101', 'after=yesterday']) {
        expectErrorBody((await t.api().get(`${S}/${s.body.id}/next-runs?${q}`).expect(400)).body, 'VALIDATION_ERROR');
      }
      const manual = await t.api().post(S).send({ name: 'Preview manual' }).expect(201);
      expect((await t.api().get(`${S}/${manual.body.id}/next-runs`).expect(200)).body.nextRuns).toEqual([]);
    });
  });
});

describe('Hostile input', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('refuses bodies nested too deep with VALIDATION_ERROR, not a crash', async () => {
    for (const levels of [100, 5000]) {
      const raw = `{"name":"Deep","description":${'['.repeat(levels)}1${']'.repeat(levels)}}`;
      const res = await t.api().post(S).set('Content-Type', 'application/json').send(raw).expect(400);
      expectErrorBody(res.body, 'VALIDATION_ERROR');
      expect(res.body.message).toMatch(/nested deeper than 32 levels/);
    }
  });

  it.each([
    ['NUL in a name', { name: 'bad\u0000name' }, 'body.name'],
    ['unpaired surrogate in a path', { name: 'ok', steps: [{ stepIndex: 0, stepType: 'Executable', executablePath: '/bin/\ud800x' }] }, 'body.steps[0].executablePath'],
  ])('refuses %s with VALIDATION_ERROR', async (_what, body, path) => {
    const res = await t.api().post(S).set('Content-Type', 'application/json').send(JSON.stringify(body)).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
    expect(Object.keys(res.body.validationErrors)).toEqual([path]);
  });

  it('refuses NUL in a query string', async () => {
    const res = await t.api().get(`${S}?search=%00`).expect(400);
    expectErrorBody(res.body, 'VALIDATION_ERROR');
  });

  it('accepts only plain decimal numeric ids', async () => {
    const cs = await t.api().post(CS).send({ name: 'Sixteen' }).expect(201);
    for (const spelling of [`0x${cs.body.id.toString(16)}`, `+${cs.body.id}`, `${cs.body.id}e0`, `${cs.body.id}.0`]) {
      expectErrorBody((await t.api().get(`${CS}/${spelling}`).expect(404)).body, 'NOT_FOUND');
    }
    await t.api().get(`${CS}/${cs.body.id}`).expect(200);
  });
});
