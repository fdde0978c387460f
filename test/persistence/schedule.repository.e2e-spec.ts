import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  ConnectedSystemRepository,
  createDataSource,
  FIRES_SQL,
  ScheduleRepository,
  SCHEDULE_FIELDS,
  SecretCipher,
  STEP_FIELDS,
  type NewSchedule,
  type NewStep,
  type ScheduleFields,
} from '@jim/persistence';
import { fires } from '@jim/trigger';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/** Medium level: each repository method against a real, migrated PostgreSQL database, no HTTP, no queue. */
describe('ScheduleRepository and ConnectedSystemRepository on PostgreSQL', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let schedules: ScheduleRepository;
  let systems: ConnectedSystemRepository;
  const cipher = new SecretCipher(randomBytes(32));
  const mask = (plain: string) => plain.replace(/:[^:@]*@/, ':***@');
  const initiator = { type: 'ApiKey' as const, id: 'k1', name: 'test key' };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDataSource({ url: database.url, poolSize: 2 });
    await db.initialize();
    schedules = new ScheduleRepository(db, cipher, mask);
    systems = new ConnectedSystemRepository(db);
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  const fields = (name: string, changes: Partial<ScheduleFields> = {}): ScheduleFields => ({
    name,
    description: 'nightly',
    isEnabled: true,
    overlapPolicy: 'Skip',
    catchUpWindowSeconds: null,
    jitterSeconds: 0,
    triggerType: 'Cron',
    patternType: 'Interval',
    daysOfWeek: '1,2,3,4,5',
    runTimes: null,
    intervalValue: 2,
    intervalUnit: 'Hours',
    intervalWindowStart: '08:00',
    intervalWindowEnd: '18:00',
    cronExpression: '0 8-18/2 * * 1,2,3,4,5',
    timeZone: 'Europe/London',
    ...changes,
  });
  const sqlStep = (stepIndex: number, changes: Partial<NewStep> = {}): NewStep => ({
    id: randomUUID(),
    stepIndex,
    position: 0,
    name: `step ${stepIndex}`,
    executionMode: 'Sequential',
    stepType: 'SqlScript',
    continueOnFailure: true,
    timeoutSeconds: 60,
    connectedSystemId: null,
    runProfileId: null,
    scriptPath: null,
    arguments: null,
    executablePath: null,
    workingDirectory: null,
    sqlConnectionString: 'postgres://app:s3cret@db.example/hr',
    sqlScriptPath: '/opt/jim/sql/refresh.sql',
    connectedSystemName: null,
    runProfileName: null,
    maxAttempts: 1,
    retryDelaySeconds: 30,
    retryOnTimeout: false,
    ...changes,
  });
  const newSchedule = (name: string, steps: NewStep[] = [sqlStep(0)]): NewSchedule => ({
    id: randomUUID(),
    fields: fields(name),
    nextRunTime: new Date('2030-01-07T08:00:00Z'),
    steps,
    initiator,
    changeReason: 'first',
    now: new Date('2030-01-01T00:00:00Z'),
  });

  it('create writes every field map column, and detail reads back exactly what create returned', async () => {
    const created = await schedules.create(newSchedule('Round trip'));
    const read = await schedules.detail(created.id);
    expect(read).toEqual(created);
    expect(read).toMatchObject({ ...fields('Round trip'), stepCount: 1, lastExecution: null, lastRunTime: null });
    expect(read!.steps[0]).toMatchObject({ sqlScriptPath: '/opt/jim/sql/refresh.sql', sqlConnectionString: 'postgres://app:s3cret@db.example/hr' });
    const [stored] = await db.query(`SELECT sql_connection_string FROM schedule_steps WHERE schedule_id = $1`, [created.id]);
    expect(stored.sql_connection_string).not.toContain('s3cret');
  });

  it('records version 1 of the history with every field of the map and the connection string masked', async () => {
    const created = await schedules.create(newSchedule('Snapshot fields'));
    const [v1] = await schedules.historyVersions(created.id, [1]);
    expect(v1).toMatchObject({ version: 1, operation: 'Create', changeReason: 'first', initiatedByType: 'ApiKey', targetName: 'Snapshot fields' });
    const snapshot = v1.snapshot as Record<string, unknown> & { steps: Record<string, unknown>[] };
    expect(Object.keys(snapshot).sort()).toEqual([...SCHEDULE_FIELDS.map((f) => f.field), 'steps'].sort());
    expect(Object.keys(snapshot.steps[0]).sort()).toEqual(
      ['id', ...STEP_FIELDS.map((f) => f.field), 'sqlConnectionString', 'sqlPasswordChangedInVersion'].sort(),
    );
    expect(snapshot.steps[0]).toMatchObject({ sqlConnectionString: 'postgres://app:***@db.example/hr', sqlPasswordChangedInVersion: 1 });
  });

  it('recordChange carries a step password version over unless told it changed, and a delete records no snapshot', async () => {
    const created = await schedules.create(newSchedule('Versions'));
    const stepId = created.steps[0].id;
    await schedules.transaction((tx) => schedules.recordChange(tx, { scheduleId: created.id, scheduleName: 'Versions', operation: 'Update', changeReason: null, initiator }));
    await schedules.transaction((tx) =>
      schedules.recordChange(tx, { scheduleId: created.id, scheduleName: 'Versions', operation: 'Update', changeReason: null, initiator, passwordChanged: new Set([stepId]) }),
    );
    await schedules.transaction(async (tx) => {
      await schedules.recordChange(tx, { scheduleId: created.id, scheduleName: 'Versions', operation: 'Delete', changeReason: 'gone', initiator });
      await schedules.delete(tx, created.id);
    });
    const versions = await schedules.historyVersions(created.id, [2, 3, 4]);
    const byVersion = new Map(versions.map((v) => [v.version, v]));
    const passwordVersion = (v: number) => (byVersion.get(v)!.snapshot as { steps: { sqlPasswordChangedInVersion: number }[] }).steps[0].sqlPasswordChangedInVersion;
    expect([passwordVersion(2), passwordVersion(3)]).toEqual([1, 3]);
    expect(byVersion.get(4)).toMatchObject({ operation: 'Delete', snapshot: null, changeReason: 'gone' });
    expect(await schedules.detail(created.id)).toBeNull();
    const [page, total] = await schedules.history(created.id, 0, 2);
    expect({ versions: page.map((c) => c.version), total }).toEqual({ versions: [4, 3], total: 4 });
  });

  it('update changes the fields, stamps the initiator and moves the version on; replaceSteps inserts, updates and deletes', async () => {
    const created = await schedules.create(newSchedule('Updated', [sqlStep(0), sqlStep(1)]));
    const now = new Date('2030-02-01T00:00:00Z');
    await schedules.transaction(async (tx) => {
      const locked = (await schedules.lock(tx, created.id))!;
      await schedules.update(tx, locked, { ...fields('Updated'), intervalWindowStart: '09:00', nextRunTime: null }, initiator, now);
      const existing = new Map((await schedules.steps(tx, created.id)).map((s) => [s.id, s]));
      const kept = { ...sqlStep(0), id: created.steps[0].id, sqlScriptPath: '/opt/jim/sql/other.sql' };
      const added = sqlStep(1, { stepType: 'Executable', executablePath: '/usr/bin/true', sqlConnectionString: null, sqlScriptPath: null });
      await schedules.replaceSteps(tx, created.id, [kept, added], existing, now);
    });
    const read = (await schedules.detail(created.id))!;
    expect(read).toMatchObject({ intervalWindowStart: '09:00', nextRunTime: null, lastUpdated: now, stepCount: 2 });
    expect(read.steps.map((s) => [s.stepType, s.sqlScriptPath, s.executablePath])).toEqual([
      ['SqlScript', '/opt/jim/sql/other.sql', null],
      ['Executable', null, '/usr/bin/true'],
    ]);
    expect(read.steps.map((s) => s.id)).not.toContain(created.steps[1].id);
    const stored = (await schedules.find(created.id))!;
    expect({ version: stored.version, by: stored.lastUpdatedByName }).toEqual({ version: 2, by: 'test key' });
  });

  it('list filters by name or description, sorts by the chosen column and pages', async () => {
    const tag = randomUUID().slice(0, 8);
    for (const name of ['b', 'A', 'c']) await schedules.create(newSchedule(`${tag} ${name}`));
    const page = await schedules.list({ search: tag, sortBy: 'name', descending: true, skip: 0, take: 2 });
    expect({ total: page.total, names: page.items.map((s) => s.name) }).toEqual({ total: 3, names: [`${tag} c`, `${tag} b`] });
    const literal = await schedules.list({ search: `${tag}%`, sortBy: 'created', descending: false, skip: 0, take: 10 });
    expect(literal.total).toBe(0);
  });

  it('ConnectedSystemRepository: existing run profiles with their system names, and the schedules that use them', async () => {
    const system = await systems.create({ name: 'HR', description: null, created: new Date() });
    const profile = await systems.createRunProfile({ connectedSystemId: system.id, name: 'Delta Import', runType: 'DeltaImport', created: new Date() });
    const found = await systems.existing([profile.id, 999999], [system.id, 999998]);
    expect(found).toEqual({
      runProfiles: [{ id: profile.id, connectedSystemId: system.id, name: 'Delta Import', connectedSystemName: 'HR' }],
      systemIds: new Set([system.id]),
    });
    const runProfileStep = sqlStep(0, { stepType: 'RunProfile', connectedSystemId: system.id, runProfileId: profile.id, sqlConnectionString: null, sqlScriptPath: null });
    await schedules.create(newSchedule('Uses HR', [runProfileStep]));
    const using = await systems.transaction((tx) => Promise.all([
      systems.schedulesUsing(tx, { connectedSystemId: system.id }),
      systems.schedulesUsing(tx, { runProfileId: profile.id }),
    ]));
    expect(using).toEqual([['Uses HR'], ['Uses HR']]);
    const detail = (await schedules.list({ search: 'Uses HR', sortBy: 'name', descending: false, skip: 0, take: 1 })).items[0];
    const steps = (await schedules.detail(detail.id))!.steps;
    expect(steps.map((s) => [s.connectedSystemName, s.runProfileName])).toEqual([['HR', 'Delta Import']]);
  });

  it('FIRES_SQL selects exactly the schedules fires() says fire', async () => {
    const variants: Partial<ScheduleFields>[] = [
      {},
      { isEnabled: false },
      { triggerType: 'Manual', patternType: 'SpecificTimes', cronExpression: null, daysOfWeek: null, intervalValue: null, intervalUnit: null, intervalWindowStart: null, intervalWindowEnd: null },
      { isEnabled: false, triggerType: 'Manual', cronExpression: null },
    ];
    const created = await Promise.all(
      variants.map((changes, i) => schedules.create({ ...newSchedule(`fires ${i} ${randomUUID()}`), fields: fields(`fires ${i} ${randomUUID()}`, changes) })),
    );
    const selected: { id: string }[] = await db.query(`SELECT id FROM schedules WHERE ${FIRES_SQL} AND id = ANY($1::uuid[])`, [created.map((c) => c.id)]);
    expect(selected.map((r) => r.id)).toEqual(created.filter((c) => fires(c)).map((c) => c.id));
    expect(created.map((c) => fires(c))).toEqual([true, false, false, false]);
  });
});
