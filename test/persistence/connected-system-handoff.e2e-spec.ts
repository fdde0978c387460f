import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { ConnectedSystemHolds, createDataSource, ExecutionRepository, ScheduleRepository, SecretCipher, type NewStep } from '@jim/persistence';
import type { StepResult } from '@jim/steps';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/**
 * Medium level: the hand-off of an exclusive connected system commits in the transaction that ends the step holding
 * it (completed or cancelled), and the woken step is claimed without entering the line again.
 */
describe('Connected-system hand-off in the step-ending transaction (PostgreSQL)', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let executions: ExecutionRepository;
  let schedules: ScheduleRepository;
  let holds: ConnectedSystemHolds;
  let systemId: number;
  let profileId: number;
  const cipher = new SecretCipher(randomBytes(32));
  const initiator = { type: 'ApiKey' as const, id: 'k1', name: 'test key' };
  const ok: StepResult = { outcome: 'Completed', exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: null };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDataSource({ url: database.url, poolSize: 3 });
    await db.initialize();
    executions = new ExecutionRepository(db, cipher);
    schedules = new ScheduleRepository(db, cipher, (plain) => plain);
    holds = new ConnectedSystemHolds(db);
    [{ id: systemId }] = await db.query(`INSERT INTO connected_systems (name, created) VALUES ('Directory', now()) RETURNING id`);
    [{ id: profileId }] = await db.query(
      `INSERT INTO run_profiles (connected_system_id, name, run_type, created) VALUES ($1, 'Delta Import', 'DeltaImport', now()) RETURNING id`,
      [systemId],
    );
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  const runProfileStep = (): NewStep => ({
    id: randomUUID(),
    stepIndex: 0,
    position: 0,
    name: 'Delta Import',
    executionMode: 'Sequential',
    stepType: 'RunProfile',
    continueOnFailure: false,
    timeoutSeconds: null,
    connectedSystemId: systemId,
    runProfileId: profileId,
    scriptPath: null,
    arguments: null,
    executablePath: null,
    workingDirectory: null,
    sqlConnectionString: null,
    sqlScriptPath: null,
    connectedSystemName: 'Directory',
    runProfileName: 'Delta Import',
    maxAttempts: 1,
    retryDelaySeconds: 30,
    retryOnTimeout: false,
  });

  /** A started execution of a new one-step schedule on the system: its execution id and its step's id. */
  async function started(): Promise<{ executionId: string; stepId: string }> {
    const schedule = await schedules.create({
      id: randomUUID(),
      fields: {
        name: `exclusive ${randomUUID()}`,
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
      steps: [runProfileStep()],
      initiator,
      changeReason: null,
      now: new Date(),
    });
    const run = await executions.start({ scheduleId: schedule.id, initiator });
    if (run.kind !== 'started') throw new Error(`not started: ${run.kind}`);
    const [step] = await db.query(`SELECT id FROM schedule_execution_steps WHERE execution_id = $1`, [run.executionId]);
    return { executionId: run.executionId, stepId: step.id };
  }

  const line = async () =>
    (
      await db.query(
        `SELECT h.execution_step_id AS id, h.granted_at IS NOT NULL AS granted, s.status FROM connected_system_holds h
         JOIN schedule_execution_steps s ON s.id = h.execution_step_id WHERE h.connected_system_id = $1 ORDER BY h.seq`,
        [systemId],
      )
    ).map((r: { id: string; granted: boolean; status: string }) => r);

  it('grants the system to the first waiter in the completing transaction; the woken step is claimed straight away', async () => {
    const first = await started();
    const second = await started();
    const third = await started();
    expect(await holds.enter(first.stepId)).toBe('go');
    expect(await holds.enter(second.stepId)).toBe('wait');
    expect(await holds.enter(third.stepId)).toBe('wait');
    expect((await executions.claimStep(first.stepId, 'w1')).kind).toBe('claimed');

    const ended = await executions.completeStepHandingOn(first.stepId, first.executionId, ok);
    expect(ended.next).toBeNull();
    expect(ended.handedOn).toEqual({ executionId: second.executionId, stepIds: [second.stepId], resume: true, granted: true });
    // Committed with the step's end: the first has left, the second holds the system, the third still waits (FIFO).
    expect(await line()).toEqual([
      { id: second.stepId, granted: true, status: 'Queued' },
      { id: third.stepId, granted: false, status: 'WaitingForResource' },
    ]);
    // A later release finds nothing left to do.
    expect(await holds.release(first.stepId)).toBeNull();
    expect((await executions.claimStep(second.stepId, 'w2')).kind).toBe('claimed');

    // A cancelled step hands the system on in the transaction that records it.
    expect((await executions.cancel(second.executionId)).kind).toBe('cancelled');
    const woken = await executions.cancelStep(second.stepId, ok);
    expect(woken).toEqual({ executionId: third.executionId, stepIds: [third.stepId], resume: true, granted: true });
    expect(await line()).toEqual([{ id: third.stepId, granted: true, status: 'Queued' }]);

    expect((await executions.claimStep(third.stepId, 'w3')).kind).toBe('claimed');
    expect((await executions.completeStepHandingOn(third.stepId, third.executionId, ok)).handedOn).toBeNull();
    expect(await line()).toEqual([]);
  });

  it('keeps the system while the step’s JIM activity has not ended, and hands nothing on', async () => {
    const first = await started();
    const second = await started();
    expect(await holds.enter(first.stepId)).toBe('go');
    expect(await holds.enter(second.stepId)).toBe('wait');
    expect((await executions.claimStep(first.stepId, 'w1')).kind).toBe('claimed');
    await executions.recordDispatch(first.stepId, { dispatchedAt: new Date(), activityId: `a-${randomUUID()}`, taskId: null });

    const timedOut: StepResult = { outcome: 'Failed', exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: 'Timed out after 1 s' };
    const ended = await executions.completeStepHandingOn(first.stepId, first.executionId, timedOut, { timedOut: true });
    expect(ended.handedOn).toBeNull();
    expect(await line()).toEqual([
      { id: first.stepId, granted: true, status: 'Failed' },
      { id: second.stepId, granted: false, status: 'WaitingForResource' },
    ]);

    // JIM reports the activity ended: the sweeper hands the system on.
    await db.query(`UPDATE schedule_execution_steps SET activity_status = 'Complete' WHERE id = $1`, [first.stepId]);
    expect(await holds.sweep()).toEqual([{ executionId: second.executionId, stepIds: [second.stepId], resume: true, granted: true }]);
    expect(await line()).toEqual([{ id: second.stepId, granted: true, status: 'Queued' }]);
  });
});
