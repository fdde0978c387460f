import { monitorEventLoopDelay } from 'node:perf_hooks';
// The process runner's two halves, compared below; not part of the steps library's public surface.
import { runProcessHere, type ProcessSpec } from '../libs/steps/src/process/process-runner';
import { ProcessSpawner } from '../libs/steps/src/process/spawner';
import { sleep } from './support/env';
import { runAsCommand } from './support/main';
import { Report } from './support/report';
import { fmt, round, summarise, type Summary } from './support/stats';

/**
 * Event-loop cost of step processes (`node dist/bench/spawner.bench.js`): `/bin/true` started 100 times a second for
 * 20 s, by the calling thread (how steps ran before) and by the spawner thread (how they run now). Measured on the
 * calling thread: its event-loop delay (what every tick, queue call and query handled there waits), and the time
 * from a start to its result. Runs alternate between the two modes.
 */

const PER_SECOND = Number(process.env.BENCH_SPAWN_PER_SECOND ?? 100);
const SECONDS = Number(process.env.BENCH_SPAWN_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);

interface ModeRun {
  mode: 'calling thread' | 'spawner thread';
  started: number;
  completed: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  resultMs: Summary;
}

async function run(mode: ModeRun['mode']): Promise<ModeRun> {
  const spawner = new ProcessSpawner();
  const spec: ProcessSpec = { command: '/bin/true', args: [], env: { PATH: '/usr/bin:/bin' }, killGraceMs: 1000, secrets: [] };
  const start = () => {
    const signal = new AbortController().signal;
    return mode === 'spawner thread' ? spawner.run(spec, signal, () => undefined) : runProcessHere(spec, signal, () => undefined);
  };
  // The thread is started before measuring, as in a worker that has run a step.
  await start();

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const results: Promise<number>[] = [];
  histogram.enable();
  const begin = Date.now();
  for (let i = 0; i < PER_SECOND * SECONDS; i++) {
    const due = begin + (i * 1000) / PER_SECOND;
    if (due > Date.now()) await sleep(due - Date.now());
    const t0 = performance.now();
    results.push(start().then((outcome) => ('result' in outcome && outcome.result.outcome === 'Completed' ? performance.now() - t0 : NaN)));
  }
  const times = await Promise.all(results);
  histogram.disable();
  await spawner.close();
  const ok = times.filter((t) => !Number.isNaN(t));
  const ms = (ns: number) => round(ns / 1e6, 2);
  return {
    mode,
    started: times.length,
    completed: ok.length,
    loopDelayMs: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
    resultMs: summarise(ok),
  };
}

async function spawnerBench(): Promise<Report[]> {
  const report = new Report('spawner', false);
  report.data.parameters = { perSecond: PER_SECOND, seconds: SECONDS, runs: RUNS };
  report.section(`/bin/true ${PER_SECOND} times a second for ${SECONDS} s, ${RUNS} runs per mode, alternating`);
  const runs: ModeRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const mode of ['calling thread', 'spawner thread'] as const) {
      const r = await run(mode);
      runs.push(r);
      report.line(
        `${mode}: ${r.completed}/${r.started} completed; event-loop delay p50 ${fmt(r.loopDelayMs.p50)} p99 ${fmt(r.loopDelayMs.p99)} max ${fmt(r.loopDelayMs.max)} ms; ` +
          `start to result p50 ${fmt(r.resultMs.p50)} p99 ${fmt(r.resultMs.p99)} ms`,
      );
    }
  }
  report.require('every process completed', runs.every((r) => r.completed === r.started), runs.map((r) => `${r.completed}/${r.started}`).join(', '));
  report.data.runs = runs;
  report.write();
  return [report];
}

if (require.main === module) runAsCommand(spawnerBench);
