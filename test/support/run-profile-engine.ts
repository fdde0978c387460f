import { Worker } from 'bullmq';

/**
 * A custom sync engine in the test process: a consumer of the run-profiles queue (docs/run-profile-queue.md) whose
 * runs end when `finish` is called for them.
 */
export class RunProfileEngine {
  private readonly pending = new Map<string, (status: 'Complete' | 'FailedWithError') => void>();
  private worker?: Worker;

  async start(redisUrl: string, queuePrefix: string): Promise<void> {
    const prefix = queuePrefix.replace(/\{([^{}]+)\}/, '{$1:run-profiles}');
    this.worker = new Worker(
      'run-profiles',
      (job) => new Promise<{ status: string }>((resolve) => this.pending.set(job.data.stepId as string, (status) => resolve({ status }))),
      { connection: { url: redisUrl }, prefix, concurrency: 50, maxStalledCount: 0 },
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
