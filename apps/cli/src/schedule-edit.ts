import type { IntervalUnit, OverlapPolicy, PatternType, ScheduleDetailResponse, ScheduleRequest, ScheduleStepRequest, ScheduleStepResponse, TriggerType } from '@jim/contracts';
import { CliError } from './errors';

/** A step as sent back in a PUT: every stored field, the id included, so nothing is lost or recreated. */
export type StepRequest = Omit<ScheduleStepRequest, 'connectedSystemName' | 'runProfileName'>;

/** The fields a GET returns that the server sets: a PUT leaves them out. */
type ReadOnlyField = Exclude<keyof ScheduleDetailResponse, keyof ScheduleRequest> | { [K in keyof ScheduleRequest]-?: unknown extends ScheduleRequest[K] ? K : never }[keyof ScheduleRequest];

/** The editable part of a schedule: what a PUT needs. */
export type ScheduleBody = Omit<ScheduleRequest, ReadOnlyField | 'steps'> & { steps: StepRequest[] };

/** The schedule options of `jim schedule new` and `jim schedule set`, as commander parses them. */
export interface ScheduleOptions {
  name?: string;
  description?: string;
  triggerType?: TriggerType;
  patternType?: PatternType;
  daysOfWeek?: string;
  runTimes?: string;
  intervalValue?: number;
  intervalUnit?: IntervalUnit;
  windowStart?: string;
  windowEnd?: string;
  cronExpression?: string;
  timeZone?: string;
  enabled?: boolean;
  changeReason?: string;
  overlapPolicy?: OverlapPolicy;
  /** A number of seconds, or "default" for the workers' grace. */
  catchUpWindow?: number | 'default';
  jitter?: number;
}

/** Every stored field of a step as GET returns it (the connection string masked: sending it back keeps the secret). */
export function toStepRequest(step: ScheduleStepResponse): StepRequest {
  const { connectedSystemName: _system, runProfileName: _profile, ...request } = step;
  return request;
}

/** A schedule as returned by GET, turned back into the body of a PUT that changes nothing. */
export function toScheduleBody(schedule: ScheduleDetailResponse): ScheduleBody {
  const {
    id: _id,
    lastRunTime: _lastRunTime,
    nextRunTime: _nextRunTime,
    stepCount: _stepCount,
    created: _created,
    lastUpdated: _lastUpdated,
    lastExecutionId: _lastExecutionId,
    lastExecutionStatus: _lastExecutionStatus,
    lastExecutionCurrentStepIndex: _lastExecutionCurrentStepIndex,
    lastExecutionTotalSteps: _lastExecutionTotalSteps,
    lastExecutionCompletedAt: _lastExecutionCompletedAt,
    lastExecutionErrorMessage: _lastExecutionErrorMessage,
    steps,
    ...fields
  } = schedule;
  return { ...fields, steps: steps.map(toStepRequest) };
}

const PATTERN_OPTIONS = [
  'patternType',
  'daysOfWeek',
  'runTimes',
  'intervalValue',
  'intervalUnit',
  'windowStart',
  'windowEnd',
  'cronExpression',
] as const satisfies readonly (keyof ScheduleOptions)[];

/**
 * Only the options given change. A pattern option without --trigger-type makes the schedule a Cron one, and the
 * pattern type follows the options given when --pattern-type is absent: --cron-expression → Custom,
 * --run-times → SpecificTimes, an interval option → Interval.
 */
export function applyScheduleOptions(base: ScheduleBody, options: ScheduleOptions): ScheduleBody {
  const body: ScheduleBody = { ...base };
  const given = <K extends keyof ScheduleOptions>(key: K) => options[key] !== undefined;
  if (given('name')) body.name = options.name!.trim();
  if (given('description')) body.description = blankToNull(options.description);
  if (given('daysOfWeek')) body.daysOfWeek = normaliseList(options.daysOfWeek);
  if (given('runTimes')) body.runTimes = normaliseList(options.runTimes);
  if (given('intervalValue')) body.intervalValue = options.intervalValue;
  if (given('intervalUnit')) body.intervalUnit = options.intervalUnit;
  if (given('windowStart')) body.intervalWindowStart = blankToNull(options.windowStart);
  if (given('windowEnd')) body.intervalWindowEnd = blankToNull(options.windowEnd);
  if (given('cronExpression')) body.cronExpression = blankToNull(options.cronExpression);
  if (given('timeZone')) body.timeZone = blankToNull(options.timeZone);
  if (given('enabled')) body.isEnabled = options.enabled;
  if (given('changeReason')) body.changeReason = blankToNull(options.changeReason);
  if (given('overlapPolicy')) body.overlapPolicy = options.overlapPolicy;
  if (given('catchUpWindow')) body.catchUpWindowSeconds = options.catchUpWindow === 'default' ? null : options.catchUpWindow;
  if (given('jitter')) body.jitterSeconds = options.jitter;

  const patternGiven = PATTERN_OPTIONS.some(given);
  if (options.triggerType) body.triggerType = options.triggerType;
  else if (patternGiven) body.triggerType = 'Cron';

  const inferred: PatternType | undefined =
    options.patternType ??
    (options.cronExpression?.trim()
      ? 'Custom'
      : given('runTimes')
        ? 'SpecificTimes'
        : given('intervalValue') || given('intervalUnit') || given('windowStart') || given('windowEnd')
          ? 'Interval'
          : undefined);
  if (inferred) body.patternType = inferred;
  return body;
}

/** The body of a create: Manual unless a pattern option was given. */
export function newScheduleBody(options: ScheduleOptions): ScheduleBody {
  if (!options.name?.trim()) throw new CliError('--name must not be empty');
  return applyScheduleOptions({ name: options.name, triggerType: 'Manual', isEnabled: false, steps: [] }, options);
}

/** The step index a new step gets: a new last group, or the last group itself with --parallel. */
export function addStep(steps: readonly StepRequest[], step: Omit<StepRequest, 'stepIndex' | 'executionMode'>, parallel: boolean) {
  const max = steps.reduce((m, s) => Math.max(m, s.stepIndex), -1);
  const joins = parallel && steps.length > 0;
  const added: StepRequest = {
    ...step,
    stepIndex: joins ? max : max + 1,
    executionMode: joins ? 'ParallelWithPrevious' : 'Sequential',
  };
  return { steps: [...steps, added], added };
}

/**
 * Removes the whole group at `stepIndex`; the remaining groups are renumbered 0..n-1 in their order. Every other
 * field of the remaining steps, their ids included, is kept.
 */
export function removeStepGroup(steps: readonly StepRequest[], stepIndex: number) {
  const removed = steps.filter((s) => s.stepIndex === stepIndex);
  if (removed.length === 0) {
    const indices = [...new Set(steps.map((s) => s.stepIndex))].sort((a, b) => a - b);
    throw new CliError(
      `No step found at index ${stepIndex}.${indices.length ? ` The step indices are: ${indices.join(', ')}` : ' The schedule has no steps.'}`,
    );
  }
  const kept = steps.filter((s) => s.stepIndex !== stepIndex);
  const order = [...new Set(kept.map((s) => s.stepIndex))].sort((a, b) => a - b);
  const renumbered = kept.map((s) => ({ ...s, stepIndex: order.indexOf(s.stepIndex) }));
  return { steps: renumbered, removed };
}

function blankToNull(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function normaliseList(value: string | undefined): string | null {
  if (value === undefined) return null;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items.join(',') : null;
}
