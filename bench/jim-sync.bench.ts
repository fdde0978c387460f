import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JimDouble } from '../test/support/jim-double';
import { createBenchDatabase } from './support/database';
import { machineInfo, RESULTS_DIR, serviceEnv, sleep, uniquePrefix } from './support/env';
import { call } from './support/http';
import { cleanupAll } from './support/cleanup';
import { startApi, startWorkers, stopAll, waitFor } from './support/processes';
import { summarise } from './support/stats';

/**
 * JIM request budget (`npm run bench:jim-sync`, `-- --ci` for the short form): N RunProfile steps running at once on a
 * JIM double (all in one parallel group, two workers), each run lasting `runSeconds`. Measures the requests JIM gets
 * per minute while they run (JIM allows 300 per key), and the delay from a run's end in JIM to its step's end.
 * `--counts=200` measures only the given counts.
 */

interface Plan {
  counts: number[];
  runSeconds: number;
  /** Seconds after the run request between which requests are counted (all steps dispatched, none finished). */
  window: [number, number];
}

const FULL: Plan = { counts: [1, 20, 200], runSeconds: 40, window: [10, 35] };
const CI: Plan = { counts: [1, 20], runSeconds: 15, window: [5, 13] };
const BUDGET_PER_MINUTE = 300;

async function measure(count: number, plan: Plan): Promise<Record<string, unknown>> {
  const jim = new JimDouble({ tickMs: 1000 });
  jim.setBehaviour(11, { steps: plan.runSeconds, objectsToProcess: 1000 });
  await jim.start();
  const db = await createBenchDatabase('jimsync');
  const env = serviceEnv({
    databaseUrl: db.url,
    prefix: uniquePrefix(),
    backend: 'redis',
    extra: { JIM_SYNC_URL: jim.url, JIM_SYNC_API_KEY: jim.apiKey, JIM_WORKER_CONCURRENCY: String(Math.max(20, count)) },
  });
  const api = await startApi(env);
  const workers = await startWorkers(2, env);
  try {
    await waitFor('catalogue mirrored', async () => (await call(api.url, 'GET', '/api/v1/synchronisation/connected-systems/1/run-profiles')).status === 200, 30_000);
    const steps = Array.from({ length: count }, () => ({ stepIndex: 0, stepType: 'RunProfile', connectedSystemId: 1, runProfileId: 11, timeoutSeconds: 600 }));
    const schedule = await call(api.url, 'POST', '/api/v1/schedules', { name: `JIM ${count}`, steps });
    if (schedule.status !== 201) throw new Error(`creating the schedule failed: ${JSON.stringify(schedule.body)}`);
    const started = Date.now();
    const run = await call(api.url, 'POST', `/api/v1/schedules/${schedule.body.id}/run`);
    const executionId = run.body.executionId as string;
    await waitFor(
      'execution finished',
      async () => {
        const { rows } = await db.client.query(`SELECT status FROM schedule_executions WHERE id = $1`, [executionId]);
        return rows[0] && rows[0].status !== 'InProgress' ? rows[0].status : undefined;
      },
      (plan.runSeconds + 120) * 1000,
      200,
    );
    const [from, to] = plan.window.map((s) => started + s * 1000);
    const inWindow = jim.requests.filter((r) => r.at >= from && r.at < to);
    const perMinute = (inWindow.length * 60_000) / (to - from);
    const { rows } = await db.client.query(`SELECT activity_id, completed_at, status FROM schedule_execution_steps WHERE execution_id = $1`, [executionId]);
    const delays = rows.map((r: { activity_id: string; completed_at: Date }) => r.completed_at.getTime() - Date.parse(jim.activity(r.activity_id)!.ended!));
    return {
      runningSteps: count,
      finalStatusReads: countBy(jim.requests.filter((r) => r.at >= to && r.method === 'GET' && r.path.startsWith('/api/v1/activities')).map((r) => (r.path === '/api/v1/activities' ? 'list' : 'one'))),
      rateLimited: jim.requests.filter((r) => r.status === 429).length,
      executes: jim.executes().length,
      completedSteps: rows.filter((r: { status: string }) => r.status === 'Completed').length,
      jimRequestsPerMinuteWhileRunning: Math.round(perMinute),
      byPath: countBy(inWindow.map((r) => r.path.replace(/[0-9a-f-]{36}/g, '{id}'))),
      withinBudget: perMinute <= BUDGET_PER_MINUTE,
      finishToStepEndMs: summarise(delays),
    };
  } finally {
    await stopAll([...workers, api]);
    await db.drop();
    await jim.stop();
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

async function main(): Promise<void> {
  const ci = process.argv.includes('--ci');
  const only = process.argv.find((a) => a.startsWith('--counts='));
  const plan = { ...(ci ? CI : FULL), ...(only ? { counts: only.slice('--counts='.length).split(',').map(Number) } : {}) };
  const results = [];
  for (const count of plan.counts) {
    const result = await measure(count, plan);
    console.log(JSON.stringify(result));
    results.push(result);
    await sleep(500);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `jim-sync${ci ? '-ci' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ machine: machineInfo(), pollSeconds: 2, plan, results }, null, 2)}\n`);
  console.log(`written ${file}`);
  if (results.some((r) => !r.withinBudget)) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  })
  .finally(() => cleanupAll().then(() => process.exit()));
