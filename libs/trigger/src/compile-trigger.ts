import { INTERVAL_UNITS, PATTERN_TYPES, TRIGGER_TYPES } from '@jim/contracts';
import { parseCronText, type ParsedCron } from './cron-expression';
import type { CronRule } from './cron-rule';
import { ErrorCollector, TriggerValidationError } from './errors';
import { cronPartRule, cronPartsOf, intervalSlots, renderCronParts, specificTimesSlots, type WeekSlots } from './guided-pattern';
import { RuleBasedTrigger } from './rule-based-trigger';
import { isValidTimeZone, zoneClock } from './time-zone';
import {
  formatClockTime,
  readChoice,
  readClockTime,
  readDaysOfWeek,
  readIntervalValue,
  readRunTimes,
  readText,
  type FieldRead,
} from './trigger-fields';
import type { CompiledPattern, CompiledTrigger, CompileResult, IntervalUnit, NormalisedTrigger, PatternType, TriggerInput, TriggerType } from './types';

const DEFAULT_TIME_ZONE = 'UTC';
const DEFAULT_PATTERN: PatternType = 'SpecificTimes';
const DEFAULT_INTERVAL_UNIT: IntervalUnit = 'Hours';
const WHOLE_DAY = { start: 0, end: 23 * 60 + 59 };
const CRON_REQUIRED = 'Cron expression is required for scheduled triggers';

/** Every field as read: null when absent, undefined when invalid (already reported). */
interface TriggerReads {
  triggerType: FieldRead<TriggerType>;
  patternType: PatternType | undefined;
  daysOfWeek: FieldRead<number[]>;
  runTimes: FieldRead<number[]>;
  intervalValue: FieldRead<number>;
  intervalUnit: FieldRead<IntervalUnit>;
  intervalWindowStart: FieldRead<number>;
  intervalWindowEnd: FieldRead<number>;
  cron: FieldRead<ParsedCron>;
  timeZone: string | undefined;
}

type Pattern = { cronExpression: string; rules: readonly CronRule[] };

export function compileTrigger(input: TriggerInput): CompileResult {
  const errors = new ErrorCollector();
  const reads = readTrigger(input ?? {}, errors);
  if (reads.triggerType === 'Cron') checkRequiredFields(reads, errors);
  const { triggerType, patternType, timeZone } = reads;
  if (!errors.isEmpty || !triggerType || !patternType || !timeZone) return { ok: false, errors: errors.toErrors() };
  if (triggerType === 'Manual') return { ok: true, trigger: manualTrigger(patternType, timeZone) };
  const pattern = compilePattern(reads, patternType);
  const fields: NormalisedTrigger = {
    triggerType,
    patternType,
    ...guidedFields(reads, patternType),
    cronExpression: pattern.cronExpression,
    timeZone,
  };
  return { ok: true, trigger: new RuleBasedTrigger(Object.freeze(fields), compiledPattern(reads, patternType, pattern), pattern.rules, zoneClock(timeZone)) };
}

export function compileTriggerOrThrow(input: TriggerInput): CompiledTrigger {
  const result = compileTrigger(input);
  if (!result.ok) throw new TriggerValidationError(result.errors);
  return result.trigger;
}

const compiledCrons = new Map<string, CompiledTrigger>();
const COMPILED_CRON_LIMIT = 5000;

/**
 * Compile a cron expression (or a `;`-joined union) directly, as the worker's repeat strategy sees it.
 * Throws TriggerValidationError. Cached by (expression, timeZone).
 */
export function compileCron(expression: string, timeZone: string = DEFAULT_TIME_ZONE): CompiledTrigger {
  const key = `${timeZone}\n${expression}`;
  const cached = compiledCrons.get(key);
  if (cached) return cached;
  const errors = new ErrorCollector();
  const zone = readTimeZone(timeZone, errors);
  const cron = readCron(expression, errors);
  if (cron === null) errors.add('cronExpression', CRON_REQUIRED);
  if (!errors.isEmpty || !zone || !cron) throw new TriggerValidationError(errors.toErrors());
  const fields: NormalisedTrigger = {
    triggerType: 'Cron',
    patternType: 'Custom',
    ...NO_GUIDED_FIELDS,
    cronExpression: cron.text,
    timeZone: zone,
  };
  const trigger = new RuleBasedTrigger(Object.freeze(fields), { kind: 'Custom', cronExpression: cron.text }, cron.rules, zoneClock(zone));
  if (compiledCrons.size >= COMPILED_CRON_LIMIT) compiledCrons.clear();
  compiledCrons.set(key, trigger);
  return trigger;
}

/**
 * BullMQ 6 `settings.repeatStrategy`: the next fire time in epoch ms strictly after `millis`, from
 * opts.pattern and opts.tz (default 'UTC'); undefined when there is none. Never throws.
 */
export function triggerRepeatStrategy(
  millis: number,
  opts: { pattern?: string | null; tz?: string | null },
  // Part of BullMQ's signature; the fire times do not depend on the job.
  _jobName?: string,
): number | undefined {
  try {
    const pattern = opts?.pattern;
    if (typeof pattern !== 'string' || pattern.trim() === '') return undefined;
    return compileCron(pattern, opts.tz || DEFAULT_TIME_ZONE).next(new Date(millis))?.getTime();
  } catch {
    return undefined;
  }
}

function readTrigger(input: TriggerInput, errors: ErrorCollector): TriggerReads {
  const triggerType = readChoice(input.triggerType, 'triggerType', TRIGGER_TYPES, errors);
  if (triggerType === null) errors.add('triggerType', `is required (${TRIGGER_TYPES.join(' or ')})`);
  const patternType = readChoice(input.patternType, 'patternType', PATTERN_TYPES, errors);
  const givenUnit = readChoice(input.intervalUnit, 'intervalUnit', INTERVAL_UNITS, errors);
  const intervalUnit = givenUnit === null && patternType === 'Interval' ? DEFAULT_INTERVAL_UNIT : givenUnit;
  return {
    triggerType,
    patternType: patternType === null ? DEFAULT_PATTERN : patternType,
    daysOfWeek: readDaysOfWeek(input.daysOfWeek, 'daysOfWeek', errors),
    runTimes: readRunTimes(input.runTimes, 'runTimes', errors),
    intervalValue: readIntervalValue(input.intervalValue, intervalUnit, 'intervalValue', errors),
    intervalUnit,
    intervalWindowStart: readClockTime(input.intervalWindowStart, 'intervalWindowStart', errors),
    intervalWindowEnd: readClockTime(input.intervalWindowEnd, 'intervalWindowEnd', errors),
    cron: readCron(input.cronExpression, errors),
    timeZone: readTimeZone(input.timeZone, errors),
  };
}

function readCron(value: unknown, errors: ErrorCollector): FieldRead<ParsedCron> {
  const text = readText(value, 'cronExpression', errors);
  if (text === null || text === undefined) return text;
  const parsed = parseCronText(text);
  if (parsed.ok) return parsed.cron;
  for (const problem of parsed.problems) errors.add('cronExpression', problem);
  return undefined;
}

function readTimeZone(value: unknown, errors: ErrorCollector): string | undefined {
  const name = readText(value, 'timeZone', errors);
  if (name === undefined) return undefined;
  if (name === null) return DEFAULT_TIME_ZONE;
  if (isValidTimeZone(name)) return name;
  errors.add('timeZone', `"${name}" is not a known IANA time zone`);
  return undefined;
}

/** Required-field rules; they apply to Cron triggers only, and only to the fields their pattern uses. */
function checkRequiredFields(reads: TriggerReads, errors: ErrorCollector): void {
  const { patternType } = reads;
  if (patternType === 'SpecificTimes' || patternType === 'Interval') {
    if (reads.daysOfWeek === null) errors.add('daysOfWeek', 'at least one day is required');
  }
  if (patternType === 'SpecificTimes' && reads.runTimes === null) {
    errors.add('runTimes', 'at least one time is required');
  }
  if (patternType === 'Interval') {
    if (reads.intervalValue === null) errors.add('intervalValue', 'is required for Interval patterns');
    const { intervalWindowStart: start, intervalWindowEnd: end } = reads;
    if (start === null && typeof end === 'number') errors.add('intervalWindowStart', 'is required when intervalWindowEnd is set');
    if (end === null && typeof start === 'number') errors.add('intervalWindowEnd', 'is required when intervalWindowStart is set');
  }
  if (patternType === 'Custom' && reads.cron === null) errors.add('cronExpression', CRON_REQUIRED);
}

/** Only called once every field the pattern needs has been read successfully. */
function compilePattern(reads: TriggerReads, patternType: PatternType): Pattern {
  if (patternType === 'Custom') {
    const cron = reads.cron as ParsedCron;
    return { cronExpression: cron.text, rules: cron.rules };
  }
  return guidedPattern(patternType === 'SpecificTimes' ? specificTimes(reads) : interval(reads));
}

function specificTimes(reads: TriggerReads): WeekSlots {
  return specificTimesSlots(reads.daysOfWeek as number[], reads.runTimes as number[]);
}

function interval(reads: TriggerReads): WeekSlots {
  const minutesPerUnit = reads.intervalUnit === 'Minutes' ? 1 : 60;
  return intervalSlots({
    daysOfWeek: reads.daysOfWeek as number[],
    everyMinutes: (reads.intervalValue as number) * minutesPerUnit,
    windowStart: reads.intervalWindowStart ?? WHOLE_DAY.start,
    windowEnd: reads.intervalWindowEnd ?? WHOLE_DAY.end,
  });
}

/** Only called once every field the pattern needs has been read successfully. */
function compiledPattern(reads: TriggerReads, patternType: PatternType, pattern: Pattern): CompiledPattern {
  if (patternType === 'Custom') return { kind: patternType, cronExpression: pattern.cronExpression };
  const daysOfWeek = reads.daysOfWeek as number[];
  if (patternType === 'SpecificTimes') return { kind: patternType, daysOfWeek, runTimes: reads.runTimes as number[] };
  const { intervalWindowStart: start, intervalWindowEnd: end } = reads;
  return {
    kind: patternType,
    daysOfWeek,
    every: reads.intervalValue as number,
    unit: reads.intervalUnit as IntervalUnit,
    window: typeof start === 'number' && typeof end === 'number' ? { start, end } : null,
  };
}

function guidedPattern(slots: WeekSlots): Pattern {
  const parts = cronPartsOf(slots);
  return { cronExpression: renderCronParts(parts), rules: parts.map(cronPartRule) };
}

const NO_GUIDED_FIELDS = {
  daysOfWeek: null,
  runTimes: null,
  intervalValue: null,
  intervalUnit: null,
  intervalWindowStart: null,
  intervalWindowEnd: null,
} as const;

/** The guided fields a pattern keeps; the others are normalised to null. */
function guidedFields(reads: TriggerReads, patternType: PatternType): typeof NO_GUIDED_FIELDS | GuidedFields {
  if (patternType === 'Custom') return NO_GUIDED_FIELDS;
  const daysOfWeek = (reads.daysOfWeek as number[]).join(',');
  if (patternType === 'SpecificTimes') {
    return { ...NO_GUIDED_FIELDS, daysOfWeek, runTimes: (reads.runTimes as number[]).map(formatClockTime).join(',') };
  }
  return {
    ...NO_GUIDED_FIELDS,
    daysOfWeek,
    intervalValue: reads.intervalValue as number,
    intervalUnit: reads.intervalUnit as IntervalUnit,
    intervalWindowStart: clockTimeOrNull(reads.intervalWindowStart),
    intervalWindowEnd: clockTimeOrNull(reads.intervalWindowEnd),
  };
}

type GuidedFields = Pick<
  NormalisedTrigger,
  'daysOfWeek' | 'runTimes' | 'intervalValue' | 'intervalUnit' | 'intervalWindowStart' | 'intervalWindowEnd'
>;

function clockTimeOrNull(minuteOfDay: FieldRead<number>): string | null {
  return typeof minuteOfDay === 'number' ? formatClockTime(minuteOfDay) : null;
}

function manualTrigger(patternType: PatternType, timeZone: string): CompiledTrigger {
  const fields: NormalisedTrigger = {
    triggerType: 'Manual',
    patternType,
    ...NO_GUIDED_FIELDS,
    cronExpression: null,
    timeZone,
  };
  return new RuleBasedTrigger(Object.freeze(fields), { kind: 'Manual' }, [], zoneClock(timeZone));
}
