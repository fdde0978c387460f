import { JimDouble } from '../../../test/support/jim-double';
import { stepSpec, testContext } from '../../steps/test-fixtures/step-test-kit';
import type { DispatchState } from '@jim/steps';
import type { ActivityFollower, ActivityNews } from './activity-follower';
import { JimRunProfileStepExecutor } from './jim-run-profile.executor';
import { isTerminalActivityStatus, JimSyncClient } from './jim-sync-client';

/** Follows one activity by reading it; the workers share one list call instead (JimActivityPoller). */
class ReadingFollower implements ActivityFollower {
  constructor(private readonly client: JimSyncClient) {}
  untilFinished(target: { activityId: string }, signal: AbortSignal): Promise<ActivityNews> {
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    return Promise.race([this.read(target, signal), aborted]);
  }

  private async read(target: { activityId: string }, signal: AbortSignal): Promise<ActivityNews> {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const a = await this.client.activity(target.activityId);
      if (isTerminalActivityStatus(a.status)) return { status: a.status, message: a.errorMessage ?? a.warningMessage, progress: null };
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const step = stepSpec('RunProfile', { connectedSystemId: 1, connectedSystemName: 'HR', runProfileId: 11, runProfileName: 'Full Import', runType: 'FullImport' });

describe('JimRunProfileStepExecutor (JIM double over HTTP)', () => {
  let jim: JimDouble;
  let client: JimSyncClient;
  let executor: JimRunProfileStepExecutor;
  let recorded: DispatchState[];

  beforeEach(async () => {
    jim = new JimDouble({ tickMs: 20 });
    await jim.start();
    client = new JimSyncClient({ url: jim.url, apiKey: jim.apiKey, requestTimeoutMs: 2000 });
    executor = new JimRunProfileStepExecutor({ client, follower: new ReadingFollower(client), cancelGraceMs: 1000, initialBackoffMs: 10 });
    recorded = [];
  });
  afterEach(() => jim.stop());

  const context = (dispatchState: DispatchState | null = null) => {
    const ctx = testContext();
    ctx.dispatchState = dispatchState;
    ctx.recordDispatch = async (state) => void recorded.push({ ...state });
    return ctx;
  };

  it('records the dispatch instant before sending, then JIM’s activity and task', async () => {
    const result = await executor.execute(step, context());
    expect(result).toEqual({ outcome: 'Completed', exitCode: null, stdoutTail: null, stderrTail: null, errorMessage: null });
    const [activity] = jim.allActivities();
    expect(recorded).toEqual([
      { dispatchedAt: expect.any(Date), activityId: null, taskId: null },
      { dispatchedAt: recorded[0].dispatchedAt, activityId: activity.id, taskId: expect.any(String) },
    ]);
    expect(jim.executes()).toHaveLength(1);
  });

  it('resumes a stored activity without sending execute', async () => {
    await client.execute(1, 11);
    const [activity] = jim.allActivities();
    const result = await executor.execute(step, context({ dispatchedAt: new Date(), activityId: activity.id, taskId: null }));
    expect(result.outcome).toBe('Completed');
    expect(jim.executes()).toHaveLength(1);
  });

  it('after a worker died between sending and storing, adopts the activity instead of sending again', async () => {
    const dispatchedAt = new Date();
    await client.execute(1, 11);
    const ctx = context({ dispatchedAt, activityId: null, taskId: null });
    const result = await executor.execute(step, ctx);
    expect(result.outcome).toBe('Completed');
    expect(jim.executes()).toHaveLength(1);
    expect(recorded).toEqual([{ dispatchedAt, activityId: jim.allActivities()[0].id, taskId: expect.any(String) }]);
  });

  it('fails "Dispatch outcome unknown" when the answer was lost and JIM shows no such activity; never re-sends', async () => {
    jim.inject(/\/execute$/, 'drop');
    const result = await executor.execute(step, context());
    expect(result.outcome).toBe('Failed');
    expect(result.errorMessage).toMatch(
      /^Dispatch outcome unknown: execute got no answer \(JIM is unreachable \(.+\)\); looked for activities of 'Full Import' on 'HR' started by an API key since .+ and found none\. The run profile was not sent again$/,
    );
    expect(jim.executes()).toHaveLength(1);
  });

  it('adopts nothing when two candidate activities exist', async () => {
    const dispatchedAt = new Date();
    await client.execute(1, 11);
    await client.execute(1, 11);
    const result = await executor.execute(step, context({ dispatchedAt, activityId: null, taskId: null }));
    expect(result.errorMessage).toMatch(/^Dispatch outcome unknown: .* and found 2 \(.+\), so none was adopted$/);
  });

  it('a step stopped while execute is in flight cancels the run JIM started', async () => {
    jim.setBehaviour(11, { never: true });
    const ctx = context();
    const run = executor.execute(step, ctx);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (recorded.length > 0) {
          clearInterval(t);
          resolve();
        }
      }, 1);
    });
    ctx.abort('cancelled', 'Cancelled by user');
    const result = await run;
    expect(result).toMatchObject({ outcome: 'Failed', errorMessage: 'Cancelled by user' });
    expect(jim.cancels()).toHaveLength(1);
    expect(jim.allActivities()[0].status).toBe('Cancelled');
  });

  it('says JIM refused the API key, naming no key', async () => {
    const bad = new JimSyncClient({ url: jim.url, apiKey: `jim_ak_${'1'.repeat(64)}` });
    const result = await new JimRunProfileStepExecutor({ client: bad, follower: new ReadingFollower(bad), cancelGraceMs: 100 }).execute(step, context());
    expect(result.errorMessage).toBe('JIM refused the API key (401: Authentication required)');
  });

  it('on a 404 from cancel takes the activity’s final status', async () => {
    jim.setBehaviour(11, { never: true });
    const ctx = context();
    const run = executor.execute(step, ctx);
    const activity = await new Promise<string>((resolve) => {
      const t = setInterval(() => {
        const id = recorded.find((r) => r.activityId)?.activityId;
        if (id) {
          clearInterval(t);
          resolve(id);
        }
      }, 10);
    });
    jim.finish(activity, 'CompleteWithWarning', 'late warning');
    ctx.abort('timeout', 'Timed out after 1 s');
    const result = await run;
    expect(result).toMatchObject({ outcome: 'CompletedWithWarning', errorMessage: 'late warning' });
    expect(jim.cancels().map((r) => r.status)).toEqual([404]);
  });
});
