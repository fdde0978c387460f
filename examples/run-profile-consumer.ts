/**
 * A custom sync engine for RunProfile steps: a BullMQ consumer of the run-profiles queue, following
 * docs/run-profile-queue.md. It answers every run profile with Complete; put your engine in runProfile().
 *
 *   npm run build
 *   REDIS_URL=redis://127.0.0.1:6379 node dist/examples/run-profile-consumer.js
 *
 * It needs the Redis, queue name and key prefix of the Schedules workers: REDIS_URL, JIM_RUN_PROFILE_QUEUE and
 * JIM_QUEUE_PREFIX, with the same defaults. Only bullmq is imported: the example stands on its own.
 */
import { Worker } from 'bullmq';

/** The job's data (docs/run-profile-queue.md, "Job data"). */
interface RunProfileJob {
  connectedSystemId: number;
  connectedSystemName: string;
  runProfileId: number;
  runProfileName: string;
  runType: string;
  scheduleExecutionId: string;
  stepId: string;
}

/** What the job returns (docs/run-profile-queue.md, "Return value"); throwing counts as FailedWithError. */
interface RunProfileResult {
  status: 'Complete' | 'CompleteWithWarning' | 'CompleteWithError' | 'FailedWithError';
  message?: string;
}

const queueName = process.env.JIM_RUN_PROFILE_QUEUE || 'run-profiles';
// The workers give each queue a Redis hash tag of its own: JIM_QUEUE_PREFIX `{jim}` becomes `{jim:run-profiles}`.
const basePrefix = process.env.JIM_QUEUE_PREFIX || '{jim}';
const prefix = basePrefix.replace(/\{([^{}]+)\}/, `{$1:${queueName}}`);

async function runProfile(job: RunProfileJob): Promise<RunProfileResult> {
  // Your engine here: run the import, sync or export, then say how it went.
  return { status: 'Complete', message: `Ran ${job.runType} '${job.runProfileName}' of '${job.connectedSystemName}'` };
}

const worker = new Worker<RunProfileJob, RunProfileResult>(
  queueName,
  async (job) => {
    if (job.name !== 'run-profile') throw new Error(`Unexpected job ${job.name}`);
    return runProfile(job.data);
  },
  // maxStalledCount 0: a job whose consumer died is failed, never run a second time (at most once).
  { connection: { url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' }, prefix, concurrency: 1, maxStalledCount: 0 },
);
worker.on('failed', (job, error) => console.error(`Run profile job ${job?.id} failed: ${error.message}`));
worker.on('error', (error) => console.error(`Redis: ${error.message}`));
void worker.waitUntilReady().then(() => console.log(`Consuming queue '${queueName}' (key prefix ${prefix})`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void worker.close().then(() => process.exit(0)));
