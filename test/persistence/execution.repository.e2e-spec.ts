import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createDataSource, ExecutionRepository, ScheduleRepository, SecretCipher, type NewStep } from '@jim/persistence';
import type { StepResult } from '@jim/steps';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/** Medium level: the execution state machine's transitions against a real, migrated PostgreSQL database. */
describe('ExecutionRepository on PostgreSQL', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let executions: ExecutionRepository;
  let schedules: ScheduleRepository;
  const cipher = new SecretCipher(randomBytes(32));
  const initiator = { type: 'ApiKey' as const, id: 'k1', name: 'test key' };
  const ok: StepResult = { outcome: 'Completed', exitCode: 0, stdoutTail: 'done', stderrTail: null, errorMessage: null };
  const failed: StepResult = { outcome: 'Failed', exitCode: 1, stdoutTail: null, stderrTail: 'boom', errorMessage: 'Exit code 1' };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDataSource({ url: database.url, poolSize: 3 });
    await db.initialize();
    executions = new ExecutionRepository(db, cipher);
    schedules = new ScheduleRepository(db, cipher, (plain) => plain);
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  const step = (stepIndex: number, name: string): NewStep => ({
    id: randomUUID(),
    stepIndex,
    position: 0,
    name,
    executionMode: 'Sequential',
    stepType: 'Executable',
    continueOnFailure: false,
    timeoutSeconds: null,
    connectedSystemId: null,
    runProfileId: null,
    scriptPath: null,
    arguments: null,
    executablePath: '/usr/bin/true',
    workingDirectory: null,
    sqlConnectionString: null,
    sqlScriptPath: null,
    connectedSystemName: null,
    runProfileName: null,
    maxAttempts: 1,
    retryDelaySeconds: 30,
    retryOnTimeout: false,
  });

  async function twoGroupSchedule(steps: NewStep[] = [step(0, 'first'), step(1, 'second')], name = `two groups ${randomUUID()}`): Promise<string> {
    const created = await schedules.create({
      id: randomUUID(),
      fields: {
        name,
        description: null,
        isEnabled: false,
        overlapPolicy: 'Skip',
        catchUpWindowSeconds: null,
        jitterSeconds: 0,
        triggerType: 'Manual',
        patternType: 'SpecificTimes',
        daysOfWeek: null,
        runTimes: null,
        intervalValue: null,
        intervalUnit: null,
        intervalWindowStart: null,
        intervalWindowEnd: null,
        cronExpression: null,
        timeZone: 'UTC',
      },
      nextRunTime: null,
      steps,
      initiator,
      changeReason: null,
      now: new Date(),
    });
    return created.id;
  }

  const statuses = async (executionId: string) => {
    const [execution] = await db.query(`SELECT status, current_step_index FROM schedule_executions WHERE id = $1`, [executionId]);
    const steps: { name: string; status: string }[] = await db.query(
      `SELECT name, status FROM schedule_execution_steps WHERE execution_id = $1 ORDER BY group_ordinal`,
      [executionId],
    );
    return { execution: execution.status, group: execution.current_step_index, steps: steps.map((s) => `${s.name}:${s.status}`) };
  };

  it('start → claimStep → completeStep dispatches the next group, and the last one completes the execution', async () => {
    const started = await executions.start({ scheduleId: await twoGroupSchedule(), initiator });
    if (started.kind !== 'started') throw new Error(`not started: ${started.kind}`);
    expect(await statuses(started.executionId)).toEqual({ execution: 'InProgress', group: 0, steps: ['first:Queued', 'second:Pending'] });

    const [first] = started.firstGroupStepIds;
    const claimed = await executions.claimStep(first, 'w1');
    expect(claimed).toMatchObject({ kind: 'claimed', step: { executionId: started.executionId, spec: { name: 'first', stepType: 'Executable' } } });
    expect(await executions.claimStep(first, 'w2')).toEqual({ kind: 'skip', reason: 'step is Processing' });

    const next = await executions.completeStep(first, started.executionId, ok);
    expect(next).toEqual({ executionId: started.executionId, stepIds: [expect.any(String)] });
    expect(await statuses(started.executionId)).toEqual({ execution: 'InProgress', group: 1, steps: ['first:Completed', 'second:Queued'] });

    await executions.claimStep(next!.stepIds[0], 'w1');
    expect(await executions.completeStep(next!.stepIds[0], started.executionId, ok)).toBeNull();
    expect(await statuses(started.executionId)).toEqual({ execution: 'Complete', group: 1, steps: ['first:Completed', 'second:Completed'] });
  });

  it('a failed step fails the execution and cancels the steps that did not run', async () => {
    const started = await executions.start({ scheduleId: await twoGroupSchedule(), initiator });
    if (started.kind !== 'started') throw new Error(`not started: ${started.kind}`);
    const [first] = started.firstGroupStepIds;
    await executions.claimStep(first, 'w1');
    expect(await executions.completeStep(first, started.executionId, failed)).toBeNull();
    expect(await statuses(started.executionId)).toEqual({ execution: 'Failed', group: 0, steps: ['first:Failed', 'second:Cancelled'] });
  });

  it('cancel cancels an active execution once, returning its queued steps, and refuses a finished one', async () => {
    const started = await executions.start({ scheduleId: await twoGroupSchedule(), initiator });
    if (started.kind !== 'started') throw new Error(`not started: ${started.kind}`);
    expect(await executions.cancel(started.executionId)).toEqual({ kind: 'cancelled', queuedStepIds: started.firstGroupStepIds });
    expect(await statuses(started.executionId)).toEqual({ execution: 'Cancelled', group: 0, steps: ['first:Cancelled', 'second:Cancelled'] });
    expect(await executions.cancel(started.executionId)).toEqual({ kind: 'not-active', status: 'Cancelled' });
    expect(await executions.cancel(randomUUID())).toEqual({ kind: 'not-found' });
    expect(await executions.claimStep(started.firstGroupStepIds[0], 'w1')).toEqual({ kind: 'skip', reason: 'execution is Cancelled' });
  });

  it('failLost fails a Processing step whose worker stopped beating, and settles its execution', async () => {
    const started = await executions.start({ scheduleId: await twoGroupSchedule(), initiator });
    if (started.kind !== 'started') throw new Error(`not started: ${started.kind}`);
    const [first] = started.firstGroupStepIds;
    await executions.claimStep(first, 'w1');
    await db.query(`UPDATE schedule_execution_steps SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [first]);
    expect(await executions.failLost(60)).toEqual([]);
    expect(await statuses(started.executionId)).toEqual({ execution: 'Failed', group: 0, steps: ['first:Failed', 'second:Cancelled'] });
  });

  it('start refuses a schedule without steps, and one that does not exist', async () => {
    const name = `empty ${randomUUID()}`;
    expect(await executions.start({ scheduleId: await twoGroupSchedule([], name), initiator })).toEqual({ kind: 'no-steps', scheduleName: name });
    expect(await executions.start({ scheduleId: randomUUID(), initiator })).toEqual({ kind: 'not-found' });
  });
});
