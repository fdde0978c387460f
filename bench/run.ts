import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { apiBench } from './api.bench';
import { engineBench } from './engine.bench';
import { exclusiveBench } from './exclusive.bench';
import { fireBench } from './fire.bench';
import { retentionBench } from './retention.bench';
import { scaleBench } from './scale.bench';
import { cleanupAll } from './support/cleanup';
import { entry } from './support/runtime';
import type { BenchOptions } from './support/main';
import type { Report } from './support/report';

/**
 * `node dist/bench/run.js <api|fire|engine|scale|retention|exclusive|all|ci>`:
 *   all — the trigger benchmark, then api, fire, engine, scale and retention in their full forms, one after the other;
 *   ci  — the trigger benchmark and short forms of the others (about four minutes); timing misses are WARN, only a
 *         broken system fails.
 */

type Bench = (options: BenchOptions) => Promise<Report[]>;

const triggerBench: Bench = async () => {
  const result = spawnSync(process.execPath, [join(__dirname, 'trigger.bench.js')], { stdio: 'inherit' });
  if (result.status !== 0) throw Object.assign(new Error('trigger benchmark missed a target'), { missedTarget: true });
  return [];
};

const BENCHES: Record<string, Bench> = { trigger: triggerBench, api: apiBench, fire: fireBench, engine: engineBench, scale: scaleBench, retention: retentionBench, exclusive: exclusiveBench };
const PLANS: Record<string, { benches: string[]; ci: boolean }> = {
  all: { benches: ['trigger', 'api', 'fire', 'engine', 'scale', 'retention'], ci: false },
  ci: { benches: ['trigger', 'api', 'fire', 'engine', 'scale', 'retention'], ci: true },
  ...Object.fromEntries(Object.keys(BENCHES).map((name) => [name, { benches: [name], ci: process.argv.includes('--ci') }])),
};

async function main(): Promise<number> {
  const plan = PLANS[process.argv[2] ?? ''];
  if (!plan) {
    console.error(`usage: node dist/bench/run.js <${Object.keys(PLANS).join('|')}> [--ci]`);
    return 2;
  }
  // Copy the build now, right after `npm run build`, before anyone else rebuilds dist/.
  if (plan.benches.some((name) => name !== 'trigger')) entry('api');
  const started = Date.now();
  let exitCode = 0;
  const outcomes: string[] = [];
  for (const name of plan.benches) {
    console.log(`\n######## ${name}${plan.ci ? ' (short form)' : ''}`);
    const benchStarted = Date.now();
    try {
      const reports = await BENCHES[name]({ ci: plan.ci });
      const broken = reports.some((r) => r.broken);
      const missed = reports.some((r) => r.missedTargets);
      const warned = reports.some((r) => r.checks.some((c) => c.verdict === 'WARN'));
      if (broken || (!plan.ci && missed)) exitCode = 1;
      outcomes.push(`${name}: ${broken ? 'BROKEN' : missed ? 'targets missed' : warned ? 'ok (timing warnings)' : 'ok'} in ${Math.round((Date.now() - benchStarted) / 1000)} s`);
    } catch (error) {
      const missedTarget = (error as { missedTarget?: boolean }).missedTarget === true;
      if (!missedTarget || !plan.ci) exitCode = 1;
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      outcomes.push(`${name}: ${missedTarget ? 'targets missed' : 'ERROR'} in ${Math.round((Date.now() - benchStarted) / 1000)} s`);
      await cleanupAll();
    }
  }
  console.log(`\n######## summary (${Math.round((Date.now() - started) / 1000)} s)\n${outcomes.map((o) => `  ${o}`).join('\n')}`);
  return exitCode;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
