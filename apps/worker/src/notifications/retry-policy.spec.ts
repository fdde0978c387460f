import { MAX_RETRY_DELAY_MS, nextAttemptAt, RETRY_WINDOW_MS } from './retry-policy';

describe('nextAttemptAt', () => {
  const created = new Date('2026-01-01T00:00:00Z');

  it('doubles the delay after each attempt, drawn between half and all of it', () => {
    const now = created;
    expect(nextAttemptAt(1, created, now, () => 0)!.getTime() - now.getTime()).toBe(2_500);
    expect(nextAttemptAt(1, created, now, () => 1)!.getTime() - now.getTime()).toBe(5_000);
    expect(nextAttemptAt(3, created, now, () => 1)!.getTime() - now.getTime()).toBe(20_000);
  });

  it('never waits longer than the cap', () => {
    expect(nextAttemptAt(40, created, created, () => 1)!.getTime() - created.getTime()).toBe(MAX_RETRY_DELAY_MS);
  });

  it('gives up once the next attempt would fall after 24 h', () => {
    const late = new Date(created.getTime() + RETRY_WINDOW_MS - 1_000);
    expect(nextAttemptAt(2, created, late, () => 0.5)).toBeNull();
  });
});
