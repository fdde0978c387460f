import { FixedWindowLimiter, SlidingWindowLimiter } from './window-limiters';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000; // a whole second

describe('SlidingWindowLimiter', () => {
  it('allows the limit, rejects the next, and counts only allowed hits', () => {
    const limiter = new SlidingWindowLimiter(3, MINUTE, 100);
    expect([1, 2, 3].map(() => limiter.hit('k', T0).allowed)).toEqual([true, true, true]);
    expect(limiter.hit('k', T0)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.hit('k', T0 + 59_000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.hit('k', T0 + 60_000).allowed).toBe(true);
  });

  it('is a rolling window: hits leave it one second at a time, and Retry-After names the first that frees room', () => {
    const limiter = new SlidingWindowLimiter(4, MINUTE, 100);
    limiter.hit('k', T0);
    limiter.hit('k', T0 + 10_000);
    limiter.hit('k', T0 + 30_000);
    limiter.hit('k', T0 + 30_500);
    expect(limiter.hit('k', T0 + 40_000)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.hit('k', T0 + 60_000).allowed).toBe(true); // the first hit has left
    expect(limiter.hit('k', T0 + 60_000)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.hit('k', T0 + 70_000).allowed).toBe(true);
    // Two hits share the second at +30 s: both leave at +90 s.
    expect(limiter.hit('k', T0 + 75_000)).toEqual({ allowed: false, retryAfterSeconds: 15 });
  });

  it('never lets more than the limit through in any 60 seconds', () => {
    const limiter = new SlidingWindowLimiter(5, MINUTE, 100);
    const allowed: number[] = [];
    for (let t = 0; t < 10 * MINUTE; t += 700) if (limiter.hit('k', T0 + t).allowed) allowed.push(t);
    for (const start of allowed) expect(allowed.filter((t) => t >= start && t < start + 59_000).length).toBeLessThanOrEqual(5);
    expect(allowed.length).toBeGreaterThanOrEqual(50);
  });

  it('keeps keys apart, forgets idle ones, and caps the table', () => {
    const limiter = new SlidingWindowLimiter(1, MINUTE, 2);
    expect(limiter.hit('a', T0).allowed).toBe(true);
    expect(limiter.hit('b', T0).allowed).toBe(true);
    expect(limiter.hit('a', T0).allowed).toBe(false);
    expect(limiter.hit('c', T0).allowed).toBe(true); // evicts "a", the oldest
    expect(limiter.size).toBe(2);
    expect(limiter.hit('a', T0).allowed).toBe(true);
    limiter.sweep(T0 + 59_000);
    expect(limiter.size).toBe(2);
    limiter.sweep(T0 + 60_000);
    expect(limiter.size).toBe(0);
  });

  it('works near the epoch and with a clock that steps back', () => {
    const limiter = new SlidingWindowLimiter(2, MINUTE, 10);
    expect(limiter.hit('k', 0).allowed).toBe(true);
    expect(limiter.hit('k', 5_000).allowed).toBe(true);
    expect(limiter.hit('k', 1_000)).toEqual({ allowed: false, retryAfterSeconds: 59 });
  });
});

describe('FixedWindowLimiter', () => {
  it('allows the limit per window from the first hit, then waits for the window to end', () => {
    const limiter = new FixedWindowLimiter(3, MINUTE, 100);
    expect([0, 1_000, 2_000].map((t) => limiter.hit('ip', T0 + t).allowed)).toEqual([true, true, true]);
    expect(limiter.hit('ip', T0 + 20_000)).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(limiter.hit('ip', T0 + 59_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.hit('ip', T0 + 60_000).allowed).toBe(true);
    expect(limiter.hit('other', T0 + 60_000).allowed).toBe(true);
  });

  it('forgets idle keys and caps the table', () => {
    const limiter = new FixedWindowLimiter(1, MINUTE, 2);
    ['a', 'b', 'c'].forEach((k) => limiter.hit(k, T0));
    expect(limiter.size).toBe(2);
    limiter.sweep(T0 + MINUTE);
    expect(limiter.size).toBe(0);
  });
});
