import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { cancelExecution, createDataSource, ExecutionRepository, recordMissedTicks, ScheduleRepository, SecretCipher, WebhookRepository, type NewStep } from '@jim/persistence';
import type { StepResult } from '@jim/steps';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '../support/database';

/** Medium level: the outbox rows are written by the transitions themselves, in their transactions. */
describe('Webhook outbox on PostgreSQL', () => {
  let db: DataSource;
  let drop: () => Promise<void>;
  let executions: ExecutionRepository;
  let schedules: ScheduleRepository;
  let webhooks: WebhookRepository;
  const cipher = new SecretCipher(randomBytes(32));
  const initiator = { type: 'ApiKey' as const, id: 'k1', name: 'test key' };
  const result = (outcome: StepResult['outcome']): StepResult => ({ outcome, exitCode: outcome === 'Completed' ? 0 : 1, stdoutTail: null, stderrTail: null, errorMessage: null });

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDataSource({ url: database.url, poolSize: 3 });
    await db.initialize();
    executions = new ExecutionRepository(db, cipher);
    schedules = new ScheduleRepository(db, cipher, (plain) => plain);
    webhooks = new WebhookRepository(db, cipher);
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  const step = (stepIndex: number, continueOnFailure = false): NewStep => ({
    id: randomUUID(), stepIndex, position: 0, name: `step ${stepIndex}`, executionMode: 'Sequential', stepType: 'Executable', continueOnFailure,
    timeoutSeconds: null, connectedSystemId: null, runProfileId: null, scriptPath: null, arguments: null, executablePath: '/usr/bin/true',
    workingDirectory: null, sqlConnectionString: null, sqlScriptPath: null, connectedSystemName: null, runProfileName: null,
    maxAttempts: 1, retryDelaySeconds: 30, retryOnTimeout: false,
  });

  async function schedule(steps: NewStep[]): Promise<string> {
    const created = await schedules.create({
      id: randomUUID(),
      fields: {
        name: `outbox ${randomUUID()}`, description: null, isEnabled: false, triggerType: 'Manual', patternType: 'SpecificTimes', daysOfWeek: null,
        runTimes: null, intervalValue: null, intervalUnit: null, intervalWindowStart: null, intervalWindowEnd: null, cronExpression: null, timeZone: 'UTC',
        overlapPolicy: 'Skip', catchUpWindowSeconds: null, jitterSeconds: 0,
      },
      nextRunTime: null, steps, initiator, changeReason: null, now: new Date(),
    });
    return created.id;
  }

  async function run(scheduleId: string, outcomes: StepResult['outcome'][]): Promise<string> {
    const started = await executions.start({ scheduleId, initiator });
    if (started.kind !== 'started') throw new Error(started.kind);
    let stepIds = started.firstGroupStepIds;
    for (const outcome of outcomes) {
      await executions.claimStep(stepIds[0], 'w1');
      const next = await executions.completeStep(stepIds[0], started.executionId, result(outcome));
      stepIds = next?.stepIds ?? [];
    }
    return started.executionId;
  }

  const events = async (webhookId: string) =>
    (await db.query(`SELECT event_type, execution_id FROM webhook_deliveries WHERE webhook_id = $1 AND event_type <> 'ScheduleChanged' ORDER BY created_at`, [webhookId])) as {
      event_type: string;
      execution_id: string | null;
    }[];

  const ALL = ['ExecutionCompleted', 'ExecutionCompletedWithWarnings', 'ExecutionFailed', 'ExecutionCancelled', 'RunSkipped', 'ScheduleChanged'] as const;

  it('records each execution outcome as its event, for the webhooks subscribed to it and to that schedule', async () => {
    const id = await schedule([step(0, true), step(1)]);
    const all = await webhooks.create({ url: 'https://example.com/a', description: null, events: [...ALL], scheduleIds: [id], isEnabled: true, secret: 'whsec_x' });
    const failedOnly = await webhooks.create({ url: 'https://example.com/b', description: null, events: ['ExecutionFailed'], scheduleIds: [], isEnabled: true, secret: 'whsec_x' });
    const otherSchedule = await webhooks.create({ url: 'https://example.com/c', description: null, events: [...ALL], scheduleIds: [randomUUID()], isEnabled: true, secret: 'whsec_x' });
    const disabled = await webhooks.create({ url: 'https://example.com/d', description: null, events: [...ALL], scheduleIds: [], isEnabled: false, secret: 'whsec_x' });

    const completed = await run(id, ['Completed', 'Completed']);
    const warned = await run(id, ['Failed', 'Completed']);
    const failed = await run(id, ['Completed', 'Failed']);
    const cancelled = (await executions.start({ scheduleId: id, initiator })) as { executionId: string };
    await executions.cancel(cancelled.executionId);

    expect(await events(all.id)).toEqual([
      { event_type: 'ExecutionCompleted', execution_id: completed },
      { event_type: 'ExecutionCompletedWithWarnings', execution_id: warned },
      { event_type: 'ExecutionFailed', execution_id: failed },
      { event_type: 'ExecutionCancelled', execution_id: cancelled.executionId },
    ]);
    expect(await events(failedOnly.id)).toEqual([{ event_type: 'ExecutionFailed', execution_id: failed }]);
    expect(await events(otherSchedule.id)).toEqual([]);
    expect(await events(disabled.id)).toEqual([]);

    const summary = await webhooks.executionSummary(failed);
    expect(summary).toMatchObject({ id: failed, status: 'Failed', triggerKind: 'Manual', failingStep: { name: 'step 1', stepIndex: 1, status: 'Failed', exitCode: 1 } });
  });

  it('writes nothing when the transition rolls back', async () => {
    const id = await schedule([step(0)]);
    const hook = await webhooks.create({ url: 'https://example.com/r', description: null, events: ['ExecutionCancelled'], scheduleIds: [id], isEnabled: true, secret: 'whsec_x' });
    const started = (await executions.start({ scheduleId: id, initiator })) as { executionId: string };
    await expect(
      db.transaction(async (tx) => {
        await cancelExecution(tx, started.executionId);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await events(hook.id)).toEqual([]);
    await executions.cancel(started.executionId);
    expect(await events(hook.id)).toEqual([{ event_type: 'ExecutionCancelled', execution_id: started.executionId }]);
  });

  it('records RunSkipped for each missed tick it records, and not for one already accounted for', async () => {
    const id = await schedule([step(0)]);
    const hook = await webhooks.create({ url: 'https://example.com/m', description: null, events: ['RunSkipped'], scheduleIds: [], isEnabled: true, secret: 'whsec_x' });
    const times = [new Date('2026-01-01T06:00:00Z'), new Date('2026-01-01T07:00:00Z')];
    await db.transaction((tx) => recordMissedTicks(tx, id, times, 'Missed: no worker started it', null));
    await db.transaction((tx) => recordMissedTicks(tx, id, times, 'Missed: no worker started it', null));
    const rows: { data: { skippedRun: { scheduledFor: string; reason: string } } }[] = await db.query(
      `SELECT data FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY data->'skippedRun'->>'scheduledFor'`,
      [hook.id],
    );
    expect(rows.map((r) => r.data.skippedRun)).toEqual([
      { scheduledFor: '2026-01-01T06:00:00.000Z', reason: 'Missed: no worker started it', activeExecutionId: null },
      { scheduledFor: '2026-01-01T07:00:00.000Z', reason: 'Missed: no worker started it', activeExecutionId: null },
    ]);
  });
});
