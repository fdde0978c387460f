/** Rejects when the work takes longer than `ms`; the work itself carries on, and its late failure is ignored. */
export function withinTime<T>(work: Promise<T>, ms: number, what = 'The queue'): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
