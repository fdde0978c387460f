import { randomBytes } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { RunProfileStepExecutor, type RunProfileRequest, type RunProfileResult, type StepAbortReason, type StepContext } from '@jim/steps';
import { BullmqRunProfileGateway, RunProfileDispatchAborted } from './bullmq-run-profile.gateway';
import { RUN_PROFILE_JOB_NAME, runProfileJobId } from './run-profile-job';

const connection: ConnectionOptions = { host: '127.0.0.1', port: 6379 };

function request(stepId: string, runProfileName: string): RunProfileRequest {
  return {
    connectedSystemId: 3,
    connectedSystemName: 'HR Database',
    runProfileId: 9,
    runProfileName,
    runType: 'FullImport',
    scheduleExecutionId: `exec-${randomBytes(3).toString('hex')}`,
    stepId,
  };
}

/** The engine's stand-in: behaves according to the run profile's name. */
async function engine(job: Job<RunProfileRequest>): Promise<RunProfileResult> {
  switch (job.data.runProfileName) {
    case 'complete':
      return { status: 'Complete', message: '1200 objects imported' };
    case 'with-error':
      return { status: 'CompleteWithError', message: '2 objects failed' };
    case 'throw':
      throw new Error('Connector could not reach the HR system');
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { status: 'Complete' };
    default:
      return { status: 'Nonsense' } as unknown as RunProfileResult;
  }
}

describe('BullmqRunProfileGateway', () => {
  const prefix = `jim-rp-test-${randomBytes(4).toString('hex')}`;
  const queueName = 'run-profiles';
  let gateway: BullmqRunProfileGateway;
  let worker: Worker | undefined;
  let inspector: Queue;
  const processed: Job<RunProfileRequest>[] = [];

  beforeAll(async () => {
    gateway = new BullmqRunProfileGateway({ connection, queueName, prefix, resultPollIntervalMs: 500 });
    inspector = new Queue(queueName, { connection, prefix });
  });

  afterAll(async () => {
    await worker?.close();
    await gateway.close();
    await inspector.close();
    const redis = new IORedis(connection);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  async function startEngine(): Promise<void> {
    worker = new Worker<RunProfileRequest, RunProfileResult>(
      queueName,
      async (job) => {
        processed.push(job);
        return engine(job);
      },
      { connection, prefix, concurrency: 4 },
    );
    await worker.waitUntilReady();
    for (let i = 0; i < 50 && !(await gateway.hasConsumer()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('reports no consumer while no engine is attached', async () => {
    expect(await gateway.hasConsumer()).toBe(false);
    expect(gateway.queueName).toBe('run-profiles');
  });

  it('withdraws a job no consumer has taken when the dispatch is aborted', async () => {
    const controller = new AbortController();
    const sent = request('waiting-step', 'complete');
    const jobId = runProfileJobId(sent);
    const pending = gateway.dispatch(sent, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await (await inspector.getJob(jobId))?.getState()).toBe('waiting');

    controller.abort({ kind: 'cancelled', message: 'Cancelled by user' } satisfies StepAbortReason);
    await expect(pending).rejects.toThrow(new RunProfileDispatchAborted('Cancelled by user'));
    expect(await inspector.getJob(jobId)).toBeUndefined();
    expect(jobId).toBe(`run-profile.${sent.scheduleExecutionId}.waiting-step`);
  });

  it('fails a step at once, naming the queue, when no consumer is attached', async () => {
    const result = await new RunProfileStepExecutor(gateway).execute(
      {
        stepId: 'no-consumer',
        stepIndex: 0,
        name: 'Import HR',
        stepType: 'RunProfile',
        connectedSystemId: 3,
        runProfileId: 9,
        runType: 'FullImport',
      },
      stepContext(new AbortController().signal),
    );
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: "No sync engine: set JIM_SYNC_URL to drive JIM, or attach a consumer to the 'run-profiles' queue (docs/run-profile-queue.md)" });
  });

  it('ends waits still in progress when it is closed', async () => {
    const closing = new BullmqRunProfileGateway({ connection, queueName: 'closing-test', prefix });
    const pending = closing.dispatch(request('step-closing', 'complete'), new AbortController().signal);
    const outcome = expect(pending).rejects.toThrow("Run-profile gateway for queue 'closing-test' was closed");
    // Close only once the job is in the queue: the wait, not the hand-over, is what close() must end.
    const probe = new Queue('closing-test', { connection, prefix });
    for (let i = 0; i < 250 && (await probe.getJobCountByTypes('waiting', 'active')) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await probe.close();
    await closing.close();
    await outcome;
  });

  describe('with an engine attached', () => {
    beforeAll(startEngine);

    it('sees the consumer', async () => {
      expect(await gateway.hasConsumer()).toBe(true);
    });

    it('hands the request over as a run-profile job with one attempt and returns its result', async () => {
      const sent = request('step-complete', 'complete');
      const result = await gateway.dispatch(sent, new AbortController().signal);

      expect(result).toEqual({ status: 'Complete', message: '1200 objects imported' });
      const job = processed.find((candidate) => candidate.data.stepId === 'step-complete')!;
      expect(job.name).toBe(RUN_PROFILE_JOB_NAME);
      expect(job.id).toBe(runProfileJobId(sent));
      expect(job.data).toEqual(sent);
      expect(job.opts.attempts).toBe(1);
    });

    it('returns CompleteWithError with its message', async () => {
      const result = await gateway.dispatch(request('step-error', 'with-error'), new AbortController().signal);
      expect(result).toEqual({ status: 'CompleteWithError', message: '2 objects failed' });
    });

    it('maps a consumer job that throws to FailedWithError with the failure reason', async () => {
      const result = await gateway.dispatch(request('step-throw', 'throw'), new AbortController().signal);
      expect(result).toEqual({ status: 'FailedWithError', message: 'Connector could not reach the HR system' });
    });

    it('maps an unrecognised return value to FailedWithError', async () => {
      const result = await gateway.dispatch(request('step-odd', 'odd'), new AbortController().signal);
      expect(result).toEqual({ status: 'FailedWithError', message: 'Run-profile consumer returned an unrecognised result: {"status":"Nonsense"}' });
    });

    it('does not create a second job when the same step of the same execution is dispatched again', async () => {
      const sent = request('step-again', 'complete');
      const first = await gateway.dispatch(sent, new AbortController().signal);
      const second = await gateway.dispatch(sent, new AbortController().signal);

      expect(second).toEqual(first);
      expect(processed.filter((job) => job.data.stepId === 'step-again')).toHaveLength(1);
    });

    it('stops waiting at once when aborted while the consumer is busy', async () => {
      const controller = new AbortController();
      const sent = request('step-slow', 'slow');
      const pending = gateway.dispatch(sent, controller.signal);
      for (let i = 0; i < 50 && !processed.some((job) => job.data.stepId === 'step-slow'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      const abortedAt = Date.now();
      controller.abort({ kind: 'timeout', message: 'Timed out after 30 s' } satisfies StepAbortReason);
      await expect(pending).rejects.toThrow('Timed out after 30 s');
      expect(Date.now() - abortedAt).toBeLessThan(300);
      // A run profile that has started is not withdrawn: it finishes, unobserved.
      expect(await (await inspector.getJob(runProfileJobId(sent)))?.getState()).toBe('active');
    });

    it('runs a RunProfile step end to end', async () => {
      const result = await new RunProfileStepExecutor(gateway).execute(
        {
          stepId: 'step-e2e',
          stepIndex: 1,
          name: 'Delta import',
          stepType: 'RunProfile',
          connectedSystemId: 3,
          connectedSystemName: 'HR Database',
          runProfileId: 9,
          runProfileName: 'with-error',
          runType: 'DeltaImport',
        },
        stepContext(new AbortController().signal),
      );
      expect(result).toEqual({
        outcome: 'CompletedWithError',
        exitCode: null,
        stdoutTail: '2 objects failed',
        stderrTail: null,
        errorMessage: '2 objects failed',
      });
    });
  });
});

function stepContext(signal: AbortSignal): StepContext {
  return { scheduleId: 'schedule-1', executionId: `exec-${randomBytes(3).toString('hex')}`, signal, timeoutMs: 30_000, log: () => undefined };
}
