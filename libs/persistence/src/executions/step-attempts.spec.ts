import { retryDelaySeconds, shouldRetry } from './step-attempts';

const step = (fields: Partial<Parameters<typeof shouldRetry>[0]> = {}): Parameters<typeof shouldRetry>[0] => ({
  step_type: 'Executable',
  attempt: 1,
  max_attempts: 3,
  retry_delay_seconds: 30,
  retry_on_timeout: false,
  dispatched_at: null,
  activity_id: null,
  activity_status: null,
  ...fields,
});

describe('step retry policy', () => {
  it('doubles the delay for each attempt, at most an hour', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(30, attempt))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds(1000, 3)).toBe(3600);
    expect(retryDelaySeconds(3600, 1)).toBe(3600);
  });

  it('retries failures until the last attempt; never a cancel; a timeout only with retryOnTimeout', () => {
    expect(shouldRetry(step(), 'Failed')).toBe(true);
    expect(shouldRetry(step(), 'CompletedWithError')).toBe(true);
    expect(shouldRetry(step({ attempt: 3 }), 'Failed')).toBe(false);
    for (const outcome of ['Completed', 'CompletedWithWarning', 'Cancelled'] as const) expect(shouldRetry(step(), outcome)).toBe(false);
    expect(shouldRetry(step(), 'TimedOut')).toBe(false);
    expect(shouldRetry(step({ retry_on_timeout: true }), 'TimedOut')).toBe(true);
  });

  it('sends a RunProfile step again only once its activity is known to have ended in failure', () => {
    const runProfile = (fields: Partial<Parameters<typeof shouldRetry>[0]>) => step({ step_type: 'RunProfile', dispatched_at: new Date(), ...fields });
    expect(shouldRetry(runProfile({ activity_id: 'a1', activity_status: 'FailedWithError' }), 'Failed')).toBe(true);
    expect(shouldRetry(runProfile({ activity_id: 'a1', activity_status: 'CompleteWithError' }), 'CompletedWithError')).toBe(true);
    // The outcome of the dispatch is unknown: no activity, or one not known to have ended.
    expect(shouldRetry(runProfile({}), 'Failed')).toBe(false);
    expect(shouldRetry(runProfile({ activity_id: 'a1', activity_status: 'InProgress' }), 'Failed')).toBe(false);
    // After a timeout, once the stopped run has ended, with retryOnTimeout.
    expect(shouldRetry(runProfile({ activity_id: 'a1', activity_status: 'Cancelled', retry_on_timeout: true }), 'TimedOut')).toBe(true);
    expect(shouldRetry(runProfile({ activity_id: 'a1', activity_status: 'InProgress', retry_on_timeout: true }), 'TimedOut')).toBe(false);
  });
});
