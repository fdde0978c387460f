import { stepSpec, testContext } from '../../test-fixtures/step-test-kit';
import type { RunProfileGateway, RunProfileRequest, RunProfileResult } from './run-profile-gateway';
import { RunProfileStepExecutor } from './run-profile-step.executor';

class FakeGateway implements RunProfileGateway {
  readonly queueName = 'run-profiles';
  consumer = true;
  requests: RunProfileRequest[] = [];
  abandoned = 0;

  constructor(private readonly answer: (request: RunProfileRequest, signal: AbortSignal) => Promise<RunProfileResult>) {}

  async hasConsumer(): Promise<boolean> {
    return this.consumer;
  }

  dispatch(request: RunProfileRequest, signal: AbortSignal): Promise<RunProfileResult> {
    this.requests.push(request);
    signal.addEventListener('abort', () => this.abandoned++);
    return this.answer(request, signal);
  }
}

const runProfileStep = stepSpec('RunProfile', {
  stepId: 'step-7',
  connectedSystemId: 12,
  connectedSystemName: 'HR Database',
  runProfileId: 34,
  runProfileName: 'Full Import',
  runType: 'FullImport',
});

describe('RunProfileStepExecutor', () => {
  it('dispatches a request built from the step and the execution', async () => {
    const gateway = new FakeGateway(async () => ({ status: 'Complete' }));
    const ctx = testContext({ executionId: 'exec-5' });
    const result = await new RunProfileStepExecutor(gateway).execute(runProfileStep, ctx);

    expect(gateway.requests).toEqual([
      {
        connectedSystemId: 12,
        connectedSystemName: 'HR Database',
        runProfileId: 34,
        runProfileName: 'Full Import',
        runType: 'FullImport',
        scheduleExecutionId: 'exec-5',
        stepId: 'step-7',
      },
    ]);
    expect(result).toEqual({ outcome: 'Completed', exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: null });
    expect(ctx.lines).toEqual(["Running 'Full Import' (FullImport) on 'HR Database'", 'Run profile finished: Complete']);
  });

  it.each<[RunProfileResult, string, string | null]>([
    [{ status: 'Complete', message: '1200 objects imported' }, 'Completed', null],
    [{ status: 'CompleteWithWarning', message: '3 warnings' }, 'CompletedWithWarning', '3 warnings'],
    [{ status: 'CompleteWithError', message: '2 objects failed' }, 'CompletedWithError', '2 objects failed'],
    [{ status: 'FailedWithError', message: 'Connector threw' }, 'Failed', 'Connector threw'],
    [{ status: 'CompleteWithError' }, 'CompletedWithError', 'Run profile completed with errors'],
    [{ status: 'FailedWithError' }, 'Failed', 'Run profile failed'],
  ])('maps %j to %s', async (answer, outcome, errorMessage) => {
    const result = await new RunProfileStepExecutor(new FakeGateway(async () => answer)).execute(runProfileStep, testContext());
    expect(result).toEqual({ outcome, exitCode: null, stdoutTail: answer.message ?? null, stderrTail: null, errorMessage });
  });

  it('fails on a result it does not recognise', async () => {
    const gateway = new FakeGateway(async () => ({ status: 'Done' }) as unknown as RunProfileResult);
    const result = await new RunProfileStepExecutor(gateway).execute(runProfileStep, testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Run-profile consumer returned an unrecognised result: {"status":"Done"}' });
  });

  it('fails at once, dispatching nothing, when no consumer is attached', async () => {
    const gateway = new FakeGateway(async () => ({ status: 'Complete' }));
    gateway.consumer = false;
    const result = await new RunProfileStepExecutor(gateway).execute(runProfileStep, testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: "No sync engine: set JIM_SYNC_URL to drive JIM, or attach a consumer to the 'run-profiles' queue (docs/run-profile-queue.md)" });
    expect(gateway.requests).toHaveLength(0);
  });

  it('fails when the consumer check itself fails', async () => {
    const gateway = new FakeGateway(async () => ({ status: 'Complete' }));
    gateway.hasConsumer = async () => {
      throw new Error('Connection is closed.');
    };
    const result = await new RunProfileStepExecutor(gateway).execute(runProfileStep, testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Could not check for a run-profile consumer: Connection is closed.' });
  });

  it('fails with the dispatch error', async () => {
    const gateway = new FakeGateway(async () => {
      throw new Error('READONLY You cannot write against a read only replica.');
    });
    const result = await new RunProfileStepExecutor(gateway).execute(runProfileStep, testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Run profile could not be run: READONLY You cannot write against a read only replica.' });
  });

  it('abandons the dispatch and fails with the abort message', async () => {
    const gateway = new FakeGateway(
      (_request, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('withdrawn')))),
    );
    const ctx = testContext();
    const run = new RunProfileStepExecutor(gateway).execute(runProfileStep, ctx);
    setTimeout(() => ctx.abort('cancelled', 'Cancelled by user'), 20);
    const result = await run;
    expect(result).toEqual({ outcome: 'Failed', exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: 'Cancelled by user' });
    expect(gateway.abandoned).toBe(1);
  });

  it.each<[string, Partial<typeof runProfileStep>, string]>([
    ['connected system', { connectedSystemId: null }, 'The step has no connected system'],
    ['run profile', { runProfileId: undefined }, 'The step has no run profile'],
    ['run type', { runType: ' ' }, 'The step has no run type'],
  ])('fails without a %s', async (_what, fields, message) => {
    const gateway = new FakeGateway(async () => ({ status: 'Complete' }));
    const result = await new RunProfileStepExecutor(gateway).execute({ ...runProfileStep, ...fields }, testContext());
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: message });
    expect(gateway.requests).toHaveLength(0);
  });

  it('names the default queue when the gateway names none', async () => {
    const gateway: RunProfileGateway = { hasConsumer: async () => false, dispatch: async () => ({ status: 'Complete' }) };
    const result = await new RunProfileStepExecutor(gateway).execute(runProfileStep, testContext());
    expect(result.errorMessage).toBe(
      "No sync engine: set JIM_SYNC_URL to drive JIM, or attach a consumer to the 'run-profiles' queue (docs/run-profile-queue.md)",
    );
  });
});
