import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileTrigger, type CompiledTrigger, type TriggerInput } from '@jim/trigger';

/**
 * Compile and next() timings over 10,000 random schedules (seeded, so runs are repeatable).
 * Run from the repository root: `npm run bench:trigger`. Writes bench/results/trigger.json.
 */

const SCHEDULES = 10_000;
const NEXT_CALLS_PER_SCHEDULE = 5;
const WARM_UP_SCHEDULES = 2_000;
const SEED = 20260105;
const TARGETS = { compileMedianMs: 1, nextMedianUs: 50 };

const ZONES = [
  'UTC',
  'Europe/London',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Europe/Berlin',
  'America/Los_Angeles',
  'Australia/Sydney',
  'Asia/Tokyo',
  'America/Sao_Paulo',
];
const FROM = Date.parse('2026-01-01T00:00:00Z');
const UNTIL = Date.parse('2028-01-01T00:00:00Z');

type Random = () => number;

/** mulberry32: small, fast and good enough to spread the schedules. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const integer = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)];

function someOf(random: Random, min: number, max: number, count: number): number[] {
  const values = new Set<number>();
  while (values.size < count) values.add(integer(random, min, max));
  return [...values];
}

const clockTime = (minuteOfDay: number): string =>
  `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

function randomDays(random: Random): string {
  return someOf(random, 0, 6, integer(random, 1, 7)).join(',');
}

function specificTimes(random: Random, timeZone: string): TriggerInput {
  const runTimes = someOf(random, 0, 1439, integer(random, 1, 6)).map(clockTime).join(',');
  return { triggerType: 'Cron', patternType: 'SpecificTimes', daysOfWeek: randomDays(random), runTimes, timeZone };
}

function interval(random: Random, timeZone: string): TriggerInput {
  const unit = random() < 0.5 ? 'Minutes' : 'Hours';
  const windowed = random() < 0.7;
  return {
    triggerType: 'Cron',
    patternType: 'Interval',
    daysOfWeek: randomDays(random),
    intervalValue: unit === 'Minutes' ? pick(random, [5, 10, 15, 20, 30, 45, integer(random, 1, 59)]) : integer(random, 1, 23),
    intervalUnit: unit,
    intervalWindowStart: windowed ? clockTime(integer(random, 0, 1439)) : null,
    intervalWindowEnd: windowed ? clockTime(integer(random, 0, 1439)) : null,
    timeZone,
  };
}

const CUSTOM_SHAPES: ReadonlyArray<(random: Random) => string> = [
  (r) => `*/${pick(r, [1, 2, 5, 10, 15, 30])} * * * *`,
  (r) => `${integer(r, 0, 59)} ${integer(r, 0, 23)} * * ${integer(r, 0, 6)}`,
  (r) => `${integer(r, 0, 59)} ${someOf(r, 0, 23, 3).join(',')} * * MON-FRI`,
  (r) => `0 ${integer(r, 0, 23)} 1-7 * ${integer(r, 0, 6)}`,
  (r) => `0 ${integer(r, 0, 23)} ${integer(r, 1, 28)} ${someOf(r, 1, 12, 4).join(',')} *`,
  (r) => `${integer(r, 0, 59)} ${integer(r, 0, 23)} L * *`,
  (r) => `0 ${integer(r, 0, 23)} * * ${integer(r, 0, 6)}#${integer(r, 1, 4)}`,
  (r) => `${integer(r, 0, 59)} */${integer(r, 2, 12)} * * * *`,
  (r) => `${integer(r, 0, 59)} ${integer(r, 0, 23)} * * *; ${integer(r, 0, 59)} ${integer(r, 0, 23)} * * 0,6`,
  (r) => pick(r, ['@hourly', '@daily', '@weekly', '@monthly', '@yearly']),
  (r) => `0 ${integer(r, 0, 23)} 13 * 5`,
  () => '0 0 29 2 1',
];

function custom(random: Random, timeZone: string): TriggerInput {
  return { triggerType: 'Cron', patternType: 'Custom', cronExpression: pick(random, CUSTOM_SHAPES)(random), timeZone };
}

function randomSchedule(random: Random): TriggerInput {
  const timeZone = pick(random, ZONES);
  const kind = random();
  if (kind < 0.4) return specificTimes(random, timeZone);
  if (kind < 0.75) return interval(random, timeZone);
  return custom(random, timeZone);
}

interface Summary {
  samples: number;
  median: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  return {
    samples: sorted.length,
    median: at(0.5),
    p99: at(0.99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

function elapsedNs(action: () => void): number {
  const started = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - started);
}

function compileAll(inputs: TriggerInput[], compileNs: number[]): CompiledTrigger[] {
  return inputs.map((input) => {
    let trigger: CompiledTrigger | undefined;
    compileNs.push(
      elapsedNs(() => {
        const result = compileTrigger(input);
        if (!result.ok) throw new Error(`benchmark schedule is invalid: ${JSON.stringify(result.errors)}`);
        trigger = result.trigger;
      }),
    );
    return trigger as CompiledTrigger;
  });
}

function timeNext(random: Random, triggers: CompiledTrigger[], nextNs: number[]): number {
  let found = 0;
  for (const trigger of triggers) {
    for (let call = 0; call < NEXT_CALLS_PER_SCHEDULE; call++) {
      const after = new Date(integer(random, FROM, UNTIL));
      nextNs.push(elapsedNs(() => (found += trigger.next(after) ? 1 : 0)));
    }
  }
  return found;
}

function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}

function run(): void {
  const warmUp = seededRandom(SEED ^ 0x5eed);
  const warmUpTriggers = compileAll(Array.from({ length: WARM_UP_SCHEDULES }, () => randomSchedule(warmUp)), []);
  timeNext(warmUp, warmUpTriggers, []);

  const random = seededRandom(SEED);
  const inputs = Array.from({ length: SCHEDULES }, () => randomSchedule(random));
  const compileNs: number[] = [];
  const triggers = compileAll(inputs, compileNs);
  const nextNs: number[] = [];
  const found = timeNext(random, triggers, nextNs);

  const compileMs = summarise(compileNs.map((ns) => ns / 1e6));
  const nextUs = summarise(nextNs.map((ns) => ns / 1e3));
  const compilePass = compileMs.median <= TARGETS.compileMedianMs;
  const nextPass = nextUs.median <= TARGETS.nextMedianUs;
  const patterns = inputs.reduce<Record<string, number>>((counts, input) => {
    const key = input.patternType ?? 'SpecificTimes';
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});

  const format = (value: number): string => value.toFixed(value < 10 ? 3 : 1);
  const line = (label: string, summary: Summary, unit: string): string =>
    `${label} median ${format(summary.median)} ${unit}, p99 ${format(summary.p99)} ${unit}, min ${format(summary.min)} ${unit}, max ${format(summary.max)} ${unit} (${summary.samples} samples)`;

  console.log(`Trigger benchmark: ${SCHEDULES} schedules (${JSON.stringify(patterns)}), ${ZONES.length} time zones, seed ${SEED}`);
  console.log(line('compile', compileMs, 'ms'));
  console.log(line('next()  ', nextUs, 'µs'));
  console.log(`${verdict(compilePass)} compile median ${format(compileMs.median)} ms <= ${TARGETS.compileMedianMs} ms`);
  console.log(`${verdict(nextPass)} next() median ${format(nextUs.median)} µs <= ${TARGETS.nextMedianUs} µs`);

  const resultsDir = join(process.cwd(), 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const report = {
    benchmark: 'trigger',
    date: new Date().toISOString(),
    node: process.version,
    seed: SEED,
    schedules: SCHEDULES,
    patterns,
    timeZones: ZONES,
    nextCallsPerSchedule: NEXT_CALLS_PER_SCHEDULE,
    nextCallsWithAFireTime: found,
    compileMs,
    nextUs,
    targets: TARGETS,
    pass: { compile: compilePass, next: nextPass },
  };
  writeFileSync(join(resultsDir, 'trigger.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${join('bench', 'results', 'trigger.json')}`);
  if (!compilePass || !nextPass) process.exitCode = 1;
}

run();
