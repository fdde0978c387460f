import type { DataSource } from 'typeorm';

/** Runs `work` only if this process gets the lock (session-level, on one connection); otherwise returns null. */
export async function withAdvisoryLock<T>(db: DataSource, key: number, work: () => Promise<T>): Promise<T | null> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key]);
    if (!locked) return null;
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
