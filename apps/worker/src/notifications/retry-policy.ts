/** The first retry comes after about this long; each next one waits twice as long, up to MAX_RETRY_DELAY_MS. */
export const FIRST_RETRY_DELAY_MS = 5_000;
export const MAX_RETRY_DELAY_MS = 60 * 60_000;
/** A delivery is retried for this long after it was recorded, then given up. */
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * When the next attempt of a delivery that failed its `attempts`-th attempt goes out: exponential backoff with
 * jitter (each delay drawn between half and all of its exponential value, so receivers coming back are not hit by
 * every sender at once); null once that would be past the retry window.
 */
export function nextAttemptAt(attempts: number, created: Date, now: Date, random: () => number = Math.random): Date | null {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  const delay = Math.round(exponential / 2 + (random() * exponential) / 2);
  const at = new Date(now.getTime() + delay);
  return at.getTime() > created.getTime() + RETRY_WINDOW_MS ? null : at;
}
