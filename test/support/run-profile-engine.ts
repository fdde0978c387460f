import type { QueueKit } from '@jim/queue';

/**
 * A custom sync engine in the test process: a consumer of the run-profiles queue (docs/run-profile-queue.md) whose
 * runs end when `finish` is called for them.
 */
export class RunProfileEngine {
  private readonly pending = new Map<string, (status: 'Complete' | 'FailedWithError') => void>();
  private worker?: ReturnType<QueueKit['worker']>;

  /** Consumes the run-profiles queue of `kit`'s backend (Redis or PostgreSQL) and prefix. */
  async start(kit: QueueKit): Promise<void> {
    this.worker = kit.worker<{ stepId: string }, { status: string }>(
      'run-profiles',
      (job) => new Promise<{ status: string }>((resolve) => this.pending.set(job.data.stepId, (status) => resolve({ status }))),
      { concurrency: 50, maxStalledCount: 0 },
    );
    await this.worker.waitUntilReady();
  }

  /** Runs started and not finished, by schedule step id. */
  running(): string[] {
    return [...this.pending.keys()];
  }

  finishAll(status: 'Complete' | 'FailedWithError' = 'Complete'): void {
    for (const [id, finish] of this.pending) {
      this.pending.delete(id);
      finish(status);
    }
  }

  async stop(): Promise<void> {
    this.finishAll();
    await this.worker?.close(true);
  }
}
