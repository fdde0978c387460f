import { Worker } from 'bullmq';
import { STEP_QUEUE, type StepJobData } from '@jim/queue';
import { jobChainHops } from './support/anchors';
import { createBenchDatabase } from './support/database';
import { REDIS_URL, serviceEnv, sleep, uniquePrefix } from './support/env';
import { call } from './support/http';
import { runAsCommand, type BenchOptions } from './support/main';
import { startApi, startWorkers, stopAll, waitFor, type Service } from './support/processes';
import { cleanupPrefix, queueKit, redisClient } from './support/queues';
import { Report } from './support/report';
import { fmt, summarise } from './support/stats';

/**
 * Connected-system exclusivity (`node dist/bench/run.js exclusive`): two schedules, each one RunProfile step on the
 * same exclusive connected system, fired together round after round (faster than the runs finish, so a line forms;
 * manual runs with `?overlap=AllowAll`, as each schedule's own overlap policy would skip them), two worker processes,
 * a custom engine on the run-profiles queue whose runs take `runMs`.
 *  - overlaps, from the recorded start and end of every step: must be 0;
 *  - hand-off: a step that was waiting starts this long after the step before it on the system ended
 *    (next started_at − previous completed_at, for each step requested before the previous one ended).
 *    Anchor: a plain BullMQ job chain on the same machine at the same time (each job adds the next as its last act;
 *    hop = next start − previous end), the floor of any hand-off that goes through the queue.
 */
const FULL = { rounds: 200, roundGapMs: 10, runMs: 20 };
const CI = { rounds: 10, roundGapMs: 10, runMs: 20 };
const TARGETS = { handOffP99Ms: 50 };

interface StepRow {
  id: string;
  execution_id: string;
  queued_at: Date;
  started_at: Date;
  completed_at: Date;
  status: string;
}

async function created(api: Service, path: string, body: unknown): Promise<{ id: string | number }> {
  const res = await call(api.url, 'POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function exclusiveBench({ ci }: BenchOptions): Promise<Report[]> {
  const p = ci ? CI : FULL;
  const report = new Report(ci ? 'exclusive-ci' : 'exclusive', ci);
  report.data.parameters = { ...p, targets: TARGETS, workers: 2 };
  const db = await createBenchDatabase('exclusive');
  const redis = redisClient();
  const prefix = uniquePrefix();
  cleanupPrefix(redis, prefix);
  const env = serviceEnv({ databaseUrl: db.url, prefix, backend: 'redis' });
  const api = await startApi(env);
  const workers = await startWorkers(2, env);
  // The sync engine: completes each run after runMs.
  const engine = new Worker(
    'run-profiles',
    async () => {
      await sleep(p.runMs);
      return { status: 'Complete' };
    },
    { connection: { url: REDIS_URL }, prefix: prefix.replace(/\{([^{}]+)\}/, '{$1:run-profiles}'), concurrency: 50, maxStalledCount: 0 },
  );
  await engine.waitUntilReady();
  try {
    const system = await created(api, '/api/v1/synchronisation/connected-systems', { name: 'Directory' });
    const schedules: string[] = [];
    for (const [name, runType] of [['Delta Import', 'DeltaImport'], ['Export', 'Export']]) {
      const profile = await created(api, `/api/v1/synchronisation/connected-systems/${system.id}/run-profiles`, { name, runType });
      const schedule = await created(api, '/api/v1/schedules', {
        name: `Directory ${name}`,
        steps: [{ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: system.id, runProfileId: profile.id }],
      });
      schedules.push(String(schedule.id));
    }

    report.section(`${p.rounds * 2} executions: 2 schedules on one exclusive system fired together ${p.rounds} times, ${p.roundGapMs} ms apart; runs take ${p.runMs} ms; 2 workers`);
    const executionIds: string[] = [];
    for (let round = 0; round < p.rounds; round++) {
      const runs = await Promise.all(schedules.map((id) => call(api.url, 'POST', `/api/v1/schedules/${id}/run?overlap=AllowAll`)));
      for (const run of runs) {
        if (run.status !== 202) throw new Error(`run failed: ${run.status} ${JSON.stringify(run.body)}`);
        executionIds.push(run.body.executionId);
      }
      await sleep(p.roundGapMs);
    }
    await waitFor(
      'executions ended',
      async () => {
        const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM schedule_executions WHERE id = ANY($1::uuid[]) AND completed_at IS NOT NULL`, [executionIds]);
        return rows[0].n === executionIds.length;
      },
      p.rounds * 2 * (p.runMs + 1000) + 30_000,
      50,
    );
    const { rows } = await db.client.query<StepRow>(
      `SELECT s.id, s.execution_id, e.queued_at, s.started_at, s.completed_at, s.status FROM schedule_execution_steps s
       JOIN schedule_executions e ON e.id = s.execution_id WHERE s.execution_id = ANY($1::uuid[]) ORDER BY s.started_at`,
      [executionIds],
    );
    const completed = rows.filter((r) => r.status === 'Completed').length;
    let overlaps = 0;
    const handOffs: number[] = [];
    const parts: HandOffParts[] = [];
    const kit = queueKit('redis', prefix, db.url);
    const wokenJobs = await wokenStepJobs(kit);
    for (let i = 1; i < rows.length; i++) {
      const previous = rows[i - 1];
      const next = rows[i];
      if (next.started_at.getTime() < previous.completed_at.getTime()) overlaps++;
      else if (next.queued_at.getTime() < previous.completed_at.getTime()) {
        handOffs.push(next.started_at.getTime() - previous.completed_at.getTime());
        const job = wokenJobs.get(next.id);
        if (job) parts.push(handOffParts(previous.completed_at, job, next.started_at));
      }
    }
    const handOff = summarise(handOffs);
    const span = rows.length ? rows[rows.length - 1].completed_at.getTime() - rows[0].started_at.getTime() : 0;
    report.line(`${completed}/${executionIds.length} steps Completed in ${fmt(span / 1000)} s; overlapping pairs ${overlaps}`);
    report.line(`hand-off to the next waiter (${handOff.n} hand-offs): p50 ${fmt(handOff.p50)} ms, p90 ${fmt(handOff.p90)} ms, p99 ${fmt(handOff.p99)} ms, max ${fmt(handOff.max)} ms`);
    report.require('every execution completed', completed === executionIds.length, `${completed}/${executionIds.length}`);
    report.require('no two runs of the system overlap', overlaps === 0, `${overlaps} overlapping pairs among ${rows.length} runs`);
    reportParts(report, parts);
    const anchor = summarise(await jobChainHops(kit, { hops: 100 }));
    report.line(`anchor, BullMQ job chain hop (100 hops): p50 ${fmt(anchor.p50)} ms, p99 ${fmt(anchor.p99)} ms`);
    report.target('hand-off p99', handOff.p99 <= TARGETS.handOffP99Ms, `${fmt(handOff.p99)} ms ≤ ${TARGETS.handOffP99Ms} ms (BullMQ hop p99 ${fmt(anchor.p99)} ms)`);
    report.data.result = { executions: executionIds.length, completed, overlaps, spanMs: span, handOff, handOffParts: partsSummary(parts), slowestHandOffs: slowest(parts, 5), anchorHop: anchor };
  } finally {
    await engine.close();
    await stopAll(workers);
    await api.stop();
    await db.drop().catch((error: unknown) => console.error(`dropping ${db.name}: ${(error as Error).message}`));
  }
  report.write();
  return [report];
}

/** A hand-off in three parts (ms): the finished step's end → its woken waiter's job added (the rest of the completing
 * transaction, its commit, the add), added → taken by a worker (the queue), taken → the woken step's recorded start
 * (the claim). */
interface HandOffParts {
  total: number;
  toAdded: number;
  queued: number;
  claim: number;
}

/** The jobs of steps woken from the line (`-resume-` jobs, kept after completion): step id → added, taken. */
async function wokenStepJobs(kit: ReturnType<typeof queueKit>): Promise<Map<string, { timestamp: number; processedOn: number }>> {
  const queue = kit.queue(STEP_QUEUE);
  try {
    const jobs = await queue.getJobs(['completed'], 0, -1);
    const byStep = new Map<string, { timestamp: number; processedOn: number }>();
    for (const job of jobs) {
      if (job?.id?.includes('-resume-') && job.processedOn) byStep.set((job.data as StepJobData).executionStepId, { timestamp: job.timestamp, processedOn: job.processedOn });
    }
    return byStep;
  } finally {
    await queue.close();
  }
}

function handOffParts(previousEnd: Date, job: { timestamp: number; processedOn: number }, started: Date): HandOffParts {
  return {
    total: started.getTime() - previousEnd.getTime(),
    toAdded: job.timestamp - previousEnd.getTime(),
    queued: job.processedOn - job.timestamp,
    claim: started.getTime() - job.processedOn,
  };
}

function partsSummary(parts: HandOffParts[]) {
  return {
    toAdded: summarise(parts.map((p) => p.toAdded)),
    queued: summarise(parts.map((p) => p.queued)),
    claim: summarise(parts.map((p) => p.claim)),
  };
}

function slowest(parts: HandOffParts[], n: number): HandOffParts[] {
  return [...parts].sort((a, b) => b.total - a.total).slice(0, n);
}

function reportParts(report: Report, parts: HandOffParts[]): void {
  const s = partsSummary(parts);
  report.line(
    `  its parts (${parts.length}): end → waiter's job added p50 ${fmt(s.toAdded.p50)} / p99 ${fmt(s.toAdded.p99)} ms; ` +
      `queue p50 ${fmt(s.queued.p50)} / p99 ${fmt(s.queued.p99)} ms; taken → started (claim) p50 ${fmt(s.claim.p50)} / p99 ${fmt(s.claim.p99)} ms`,
  );
  for (const p of slowest(parts, 3)) report.line(`  slow hand-off ${fmt(p.total)} ms = ${fmt(p.toAdded)} to the add + ${fmt(p.queued)} queued + ${fmt(p.claim)} claim`);
}

if (require.main === module) runAsCommand(exclusiveBench);
