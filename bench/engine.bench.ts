import type { Client } from 'pg';
import { addToStart, jobChainHops, spawnJobsPerSecond } from './support/anchors';
import { createBenchDatabase, type BenchDatabase } from './support/database';
import { nowMs, serviceEnv, sleep, uniquePrefix } from './support/env';
import { call } from './support/http';
import { runAsCommand, type BenchOptions } from './support/main';
import { startApi, startWorkers, stopAll, waitFor, type Service } from './support/processes';
import { cleanupPrefix, queueKit, redisClient } from './support/queues';
import { Report } from './support/report';
import { across, fmt, fmtSpread, round, summarise, type Spread, type Summary } from './support/stats';

/**
 * Step engine (`npm run bench:engine`), redis queue, one API and workers as processes:
 *  - orchestration: a 20-step sequential schedule of /bin/true run manually, one run at a time; overhead per
 *    transition = next step's started_at − previous step's completed_at. Anchor: a plain BullMQ job chain (each job
 *    adds the next as its last act; hop = next start − previous end).
 *  - manual run → first step started: POST …/run response received → step 0 started_at (and request sent → started).
 *    Anchor: plain BullMQ add() resolved → processing start.
 *  - throughput: N manual runs of a 1-step /bin/true schedule fired concurrently, executions completed per second with
 *    1 and 2 workers, two ways: drain (the runs are queued while no worker runs, then the workers start: first step
 *    started → last execution completed) and end to end (workers running while the runs arrive, first request → last
 *    completion; bounded by how fast the API accepts runs). Anchor: a plain BullMQ worker whose jobs spawn /bin/true,
 *    same total concurrency.
 */

const FULL = { orchestrationRuns: 5, runsPerOrchestration: 4, steps: 20, latencyRuns: 5, latencySamples: 20, throughput: { runs: 3, executions: 300, workers: [1, 2], clients: 16 } };
const CI = { orchestrationRuns: 3, runsPerOrchestration: 2, steps: 20, latencyRuns: 3, latencySamples: 10, throughput: null };
const TARGETS = { transitionP50Ms: 10, runToFirstStepP50Ms: 20 };
const WORKER_CONCURRENCY = 20;
/** Original system: its worker polls for work every 2 s, so a step transition waits up to 2 s (1 s on average). */
export const ORIGINAL = { workerPollSeconds: 2 };

function stepsBody(name: string, count: number) {
  return {
    name,
    triggerType: 'Manual',
    isEnabled: true,
    steps: Array.from({ length: count }, (_, i) => ({ stepIndex: i, stepType: 'Executable', name: `Step ${i + 1}`, executablePath: '/bin/true', timeoutSeconds: 60 })),
  };
}

async function createSchedule(api: Service, body: unknown): Promise<string> {
  const res = await call(api.url, 'POST', '/api/v1/schedules', body);
  if (res.status !== 201) throw new Error(`creating a schedule failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

interface ManualRun {
  executionId: string;
  sentAt: number;
  receivedAt: number;
}

async function runNow(api: Service, scheduleId: string): Promise<ManualRun> {
  const sentAt = nowMs();
  const res = await call(api.url, 'POST', `/api/v1/schedules/${scheduleId}/run`);
  const receivedAt = nowMs();
  if (res.status !== 202) throw new Error(`run failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { executionId: res.body.executionId, sentAt, receivedAt };
}

async function waitForCompletion(client: Client, executionIds: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    'executions completed',
    async () => {
      const [{ n, failed }] = (
        await client.query(
          `SELECT count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS n, count(*) FILTER (WHERE status NOT IN ('Complete', 'InProgress', 'Queued'))::int AS failed
           FROM schedule_executions WHERE id = ANY($1::uuid[])`,
          [executionIds],
        )
      ).rows;
      if (failed > 0) throw new Error(`${failed} executions did not complete successfully`);
      return n >= executionIds.length;
    },
    timeoutMs,
    50,
  );
}

async function stepTimes(client: Client, executionId: string): Promise<{ started: number; completed: number; status: string }[]> {
  const { rows } = await client.query(
    `SELECT extract(epoch FROM started_at) * 1000 AS started, extract(epoch FROM completed_at) * 1000 AS completed, status
     FROM schedule_execution_steps WHERE execution_id = $1 ORDER BY group_ordinal, position`,
    [executionId],
  );
  return rows.map((r: { started: string; completed: string; status: string }) => ({ started: Number(r.started), completed: Number(r.completed), status: r.status }));
}

interface OrchestrationRun {
  transitionsMs: Summary;
  executionMs: number[];
  anchorHopMs: Summary;
}

interface LatencyRun {
  responseToStartMs: Summary;
  requestToStartMs: Summary;
  responseMs: Summary;
  anchorAddToStartMs: Summary;
}

interface ThroughputRun {
  workers: number;
  executions: number;
  /** Runs queued first (workers stopped), then the workers started: first step started → last execution completed. */
  drainPerSecond: number;
  /** Workers running while the runs arrive: first POST …/run → last execution completed. */
  endToEndPerSecond: number;
  /** How fast the API accepted the runs (POST …/run) in the end-to-end phase. */
  acceptedPerSecond: number;
  anchorJobsPerSecond: number;
}

/** Fires `count` manual runs from `clients` concurrent clients; returns the execution ids. */
async function fireRuns(api: Service, scheduleId: string, count: number, clients: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        next++;
        ids.push((await runNow(api, scheduleId)).executionId);
      }
    }),
  );
  return ids;
}

export async function engineBench({ ci }: BenchOptions): Promise<Report[]> {
  const p = ci ? CI : FULL;
  const report = new Report(ci ? 'engine-ci' : 'engine', ci);
  const db = await createBenchDatabase('engine');
  const redis = redisClient();
  const prefix = uniquePrefix();
  cleanupPrefix(redis, prefix);
  const env = serviceEnv({ databaseUrl: db.url, prefix, backend: 'redis', extra: { JIM_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) } });
  const kit = queueKit('redis', prefix, db.url);
  const api = await startApi(env);
  report.data.parameters = { ...p, targets: TARGETS, workerConcurrency: WORKER_CONCURRENCY, original: ORIGINAL };

  // Orchestration -----------------------------------------------------------------------------------------------------
  report.section(`Orchestration: ${p.steps} sequential /bin/true steps, ${p.orchestrationRuns} runs × ${p.runsPerOrchestration} executions, 1 worker`);
  const chainId = await createSchedule(api, stepsBody('Twenty steps', p.steps));
  let workers = await startWorkers(1, env);
  const warmUp = await runNow(api, chainId);
  await waitForCompletion(db.client, [warmUp.executionId], 60_000);
  const orchestration: OrchestrationRun[] = [];
  for (let run = 1; run <= p.orchestrationRuns; run++) {
    const anchorHops = await jobChainHops(kit, { hops: (p.steps - 1) * p.runsPerOrchestration });
    const transitions: number[] = [];
    const executionMs: number[] = [];
    for (let i = 0; i < p.runsPerOrchestration; i++) {
      const started = await runNow(api, chainId);
      await waitForCompletion(db.client, [started.executionId], 120_000);
      const steps = await stepTimes(db.client, started.executionId);
      if (steps.length !== p.steps || steps.some((s) => s.status !== 'Completed')) throw new Error(`unexpected steps: ${JSON.stringify(steps)}`);
      for (let s = 1; s < steps.length; s++) transitions.push(steps[s].started - steps[s - 1].completed);
      executionMs.push(steps[steps.length - 1].completed - steps[0].started);
    }
    const result = { transitionsMs: summarise(transitions), executionMs, anchorHopMs: summarise(anchorHops) };
    orchestration.push(result);
    report.line(
      `run ${run}: transition p50 ${fmt(result.transitionsMs.p50)} p99 ${fmt(result.transitionsMs.p99)} max ${fmt(result.transitionsMs.max)} ms (${result.transitionsMs.n}); ` +
        `${p.steps} steps in ${executionMs.map((ms) => fmt(ms, 0)).join(', ')} ms | BullMQ chain hop p50 ${fmt(result.anchorHopMs.p50)} p99 ${fmt(result.anchorHopMs.p99)} ms`,
    );
  }
  const orchestrationSummary = {
    transitionP50: across(orchestration, (r) => round(r.transitionsMs.p50, 2)),
    transitionP99: across(orchestration, (r) => round(r.transitionsMs.p99, 2)),
    anchorHopP50: across(orchestration, (r) => round(r.anchorHopMs.p50, 2)),
    anchorHopP99: across(orchestration, (r) => round(r.anchorHopMs.p99, 2)),
    executionMs: across(orchestration, (r) => round(summarise(r.executionMs).p50, 1)),
  };
  report.line(`transition p50 ${fmtSpread(orchestrationSummary.transitionP50, ' ms')}, p99 ${fmtSpread(orchestrationSummary.transitionP99, ' ms')}; BullMQ hop p50 ${fmtSpread(orchestrationSummary.anchorHopP50, ' ms')}; original: up to ${ORIGINAL.workerPollSeconds * 1000} ms`);
  report.target('step transition p50', orchestrationSummary.transitionP50.median <= TARGETS.transitionP50Ms, `${fmt(orchestrationSummary.transitionP50.median)} ms ≤ ${TARGETS.transitionP50Ms} ms (BullMQ alone ${fmt(orchestrationSummary.anchorHopP50.median)} ms)`);

  // Manual run → first step -------------------------------------------------------------------------------------------
  report.section(`Manual run → first step started: ${p.latencyRuns} runs × ${p.latencySamples} sequential runs of a 1-step schedule`);
  // Runs of one schedule overlap on purpose here: the policy that allows it (the default, Skip, refuses a second run).
  const oneStepId = await createSchedule(api, { ...stepsBody('One step', 1), overlapPolicy: 'AllowAll' });
  const latency: LatencyRun[] = [];
  for (let run = 1; run <= p.latencyRuns; run++) {
    const anchor = await addToStart(kit, { samples: p.latencySamples });
    const responseToStart: number[] = [];
    const requestToStart: number[] = [];
    const response: number[] = [];
    for (let i = 0; i < p.latencySamples; i++) {
      const started = await runNow(api, oneStepId);
      await waitForCompletion(db.client, [started.executionId], 30_000);
      const [step] = await stepTimes(db.client, started.executionId);
      responseToStart.push(step.started - started.receivedAt);
      requestToStart.push(step.started - started.sentAt);
      response.push(started.receivedAt - started.sentAt);
      await sleep(50);
    }
    const result = { responseToStartMs: summarise(responseToStart), requestToStartMs: summarise(requestToStart), responseMs: summarise(response), anchorAddToStartMs: summarise(anchor) };
    latency.push(result);
    report.line(
      `run ${run}: response → step started p50 ${fmt(result.responseToStartMs.p50)} ms; request sent → step started p50 ${fmt(result.requestToStartMs.p50)} ms; ` +
        `POST …/run response time p50 ${fmt(result.responseMs.p50)} ms | BullMQ add → start p50 ${fmt(result.anchorAddToStartMs.p50)} ms`,
    );
  }
  const latencySummary = {
    responseToStartP50: across(latency, (r) => round(r.responseToStartMs.p50, 2)),
    requestToStartP50: across(latency, (r) => round(r.requestToStartMs.p50, 2)),
    responseP50: across(latency, (r) => round(r.responseMs.p50, 2)),
    anchorAddToStartP50: across(latency, (r) => round(r.anchorAddToStartMs.p50, 2)),
  };
  report.line(
    `response → step started p50 ${fmtSpread(latencySummary.responseToStartP50, ' ms')}; request sent → step started p50 ${fmtSpread(latencySummary.requestToStartP50, ' ms')}; BullMQ add → start ${fmtSpread(latencySummary.anchorAddToStartP50, ' ms')}`,
  );
  report.target('manual run → first step started p50', latencySummary.responseToStartP50.median <= TARGETS.runToFirstStepP50Ms, `${fmt(latencySummary.responseToStartP50.median)} ms ≤ ${TARGETS.runToFirstStepP50Ms} ms`);
  await stopAll(workers);

  // Throughput --------------------------------------------------------------------------------------------------------
  const throughput: Record<string, { runs: ThroughputRun[]; drainPerSecond: Spread; endToEndPerSecond: Spread; acceptedPerSecond: Spread; anchorJobsPerSecond: Spread; ratio: Spread }> = {};
  if (p.throughput) {
    const t = p.throughput;
    report.section(`Throughput: ${t.executions} manual runs of a 1-step /bin/true schedule, ${t.clients} concurrent clients, ${t.runs} runs per worker count`);
    for (const workerCount of t.workers) {
      const runs: ThroughputRun[] = [];
      for (let run = 1; run <= t.runs; run++) {
        const anchorJobsPerSecond = await spawnJobsPerSecond(kit, { count: t.executions, concurrency: WORKER_CONCURRENCY * workerCount, path: '/bin/true' });
        // Drain: the runs wait in the queue, then the workers start.
        const queued = await fireRuns(api, oneStepId, t.executions, t.clients);
        workers = await startWorkers(workerCount, env);
        await waitForCompletion(db.client, queued, 300_000);
        const [drain] = (
          await db.client.query(
            `SELECT extract(epoch FROM (max(e.completed_at) - min(st.started_at))) AS seconds
             FROM schedule_executions e JOIN schedule_execution_steps st ON st.execution_id = e.id WHERE e.id = ANY($1::uuid[])`,
            [queued],
          )
        ).rows;
        // End to end: the workers are running while the runs arrive.
        const started = nowMs();
        const ids = await fireRuns(api, oneStepId, t.executions, t.clients);
        const accepted = nowMs();
        await waitForCompletion(db.client, ids, 300_000);
        const [{ last }] = (await db.client.query(`SELECT extract(epoch FROM max(completed_at)) * 1000 AS last FROM schedule_executions WHERE id = ANY($1::uuid[])`, [ids])).rows;
        const result: ThroughputRun = {
          workers: workerCount,
          executions: t.executions,
          drainPerSecond: queued.length / Number(drain.seconds),
          endToEndPerSecond: ids.length / ((Number(last) - started) / 1000),
          acceptedPerSecond: ids.length / ((accepted - started) / 1000),
          anchorJobsPerSecond,
        };
        runs.push(result);
        report.line(
          `${workerCount} worker(s), run ${run}: queued runs drained at ${fmt(result.drainPerSecond)} executions/s; ` +
            `end to end ${fmt(result.endToEndPerSecond)} executions/s (API accepted runs at ${fmt(result.acceptedPerSecond)}/s) | BullMQ + spawn /bin/true ${fmt(anchorJobsPerSecond)} jobs/s`,
        );
        await stopAll(workers);
      }
      const entry = {
        runs,
        drainPerSecond: across(runs, (r) => round(r.drainPerSecond, 1)),
        endToEndPerSecond: across(runs, (r) => round(r.endToEndPerSecond, 1)),
        acceptedPerSecond: across(runs, (r) => round(r.acceptedPerSecond, 1)),
        anchorJobsPerSecond: across(runs, (r) => round(r.anchorJobsPerSecond, 1)),
        ratio: across(runs, (r) => round(r.drainPerSecond / r.anchorJobsPerSecond, 3)),
      };
      throughput[`${workerCount}`] = entry;
      report.line(
        `${workerCount} worker(s): drain ${fmtSpread(entry.drainPerSecond, ' executions/s')}, end to end ${fmtSpread(entry.endToEndPerSecond, '/s')} (API accepted ${fmtSpread(entry.acceptedPerSecond, '/s')}); ` +
          `anchor ${fmtSpread(entry.anchorJobsPerSecond, ' jobs/s')}; drain/anchor ${fmtSpread(entry.ratio, '', 2)}`,
      );
    }
  }

  report.data.orchestration = { runs: orchestration, summary: orchestrationSummary };
  report.data.manualRunLatency = { runs: latency, summary: latencySummary };
  if (p.throughput) report.data.throughput = throughput;
  await api.stop();
  await dropQuietly(db);
  report.write();
  return [report];
}

async function dropQuietly(db: BenchDatabase): Promise<void> {
  await db.drop().catch((error: unknown) => console.error(`dropping ${db.name}: ${(error as Error).message}`));
}

if (require.main === module) runAsCommand(engineBench);
