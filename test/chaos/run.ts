import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authScenario } from './auth.scenario';
import { badInputScenario } from './bad-input.scenario';
import { clusterFailoverScenario, sentinelFailoverScenario } from './failover.scenario';
import { closeAllStacks, seconds, snapshotBuild, type ChaosOptions, type Scenario, type ScenarioResult } from './harness';
import { kill9Scenario } from './kill-9.scenario';
import { outagesScenario } from './outages.scenario';
import { queueWipeScenario } from './queue-wipe.scenario';
import { ticks1sScenario } from './ticks-1s.scenario';

const SCENARIOS: Scenario[] = [
  kill9Scenario,
  ticks1sScenario,
  queueWipeScenario,
  outagesScenario,
  badInputScenario,
  authScenario,
  clusterFailoverScenario,
  sentinelFailoverScenario,
];

const USAGE = `Usage: node dist/chaos/test/chaos/run.js [options]   (npm run chaos / npm run chaos:ci)

  --ci               short counts (a few minutes in all)
  --only a,b         run only these scenarios (${SCENARIOS.map((s) => s.name).join(', ')})
  --seed N           seed of the generated bad requests (default 20260713)
  --real-flushall    wipe the queue with FLUSHALL instead of deleting this run's key prefix.
                     Only for a Redis that serves nothing else: it deletes every key on the server.
  --log-dir DIR      where the processes' logs go (default: a new folder under the system temp folder)

Environment: TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
             TEST_REDIS_URL (default redis://127.0.0.1:6379). Run "npm run build" first.`;

function parseArgs(argv: string[]): { options: ChaosOptions; only: string[] | null } {
  const options: ChaosOptions = {
    ci: false,
    realFlushall: false,
    seed: 20260713,
    logDir: '',
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  let only: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--ci') options.ci = true;
    else if (arg === '--real-flushall') options.realFlushall = true;
    else if (arg === '--only') only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--seed') options.seed = Number(value());
    else if (arg === '--log-dir') options.logDir = value();
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`Unknown option ${arg}\n\n${USAGE}`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new Error('--seed must be an integer');
  const unknown = (only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`Unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  options.logDir ||= join(tmpdir(), `jim-chaos-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  return { options, only };
}

async function main(): Promise<number> {
  const { options, only } = parseArgs(process.argv.slice(2));
  mkdirSync(options.logDir, { recursive: true });
  const selected = SCENARIOS.filter((s) => !only || only.includes(s.name));
  const mode = options.ci ? 'ci' : 'full';
  process.stdout.write(`chaos (${mode}): ${selected.map((s) => s.name).join(', ')}; seed ${options.seed}; logs in ${options.logDir}\n`);
  if (options.realFlushall) process.stdout.write(`WARNING: --real-flushall: the queue-wipe scenario runs FLUSHALL on ${options.redisUrl}\n`);
  removeSnapshot = await snapshotBuild();
  let failed = 0;
  for (const scenario of selected) {
    const started = Date.now();
    let result: ScenarioResult;
    try {
      result = await scenario.run(options);
    } catch (error) {
      result = { pass: false, summary: `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
    }
    if (!result.pass) failed++;
    process.stdout.write(`${result.pass ? 'PASS' : 'FAIL'} ${scenario.name}: ${result.summary} [${seconds(Date.now() - started)}]\n`);
    for (const note of result.notes ?? []) process.stdout.write(`     ${note}\n`);
  }
  process.stdout.write(`chaos (${mode}): ${selected.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

let removeSnapshot: () => void = () => undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the processes and removing this run's databases and keys…\n`);
    void closeAllStacks().finally(() => {
      removeSnapshot();
      process.exit(130);
    });
  });
}

main()
  .then(async (code) => {
    await closeAllStacks();
    removeSnapshot();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    await closeAllStacks();
    removeSnapshot();
    process.exit(2);
  });
