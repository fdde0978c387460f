import type { StepContext, StepSpec } from '../step';

export type Environment = Readonly<Record<string, string | undefined>>;

/** What every step process gets from the worker's environment: the search path, home, locale, time zone and temp dir. */
const ALWAYS_PASSED = new Set(['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']);

/**
 * The worker's own environment, the source of the allow-listed variables a step receives.
 * This is not configuration; callers can replace it through the executors' `environment` option.
 */
export function workerEnvironment(): Environment {
  return process.env;
}

/**
 * The variables of `source` a step process may see: PATH, HOME, LANG, LC_*, TZ, TMPDIR and the
 * names in `allow`. Nothing else of the worker's environment (its database URL, keys, ...) is passed.
 */
export function allowListedEnvironment(source: Environment, allow: readonly string[] = []): Record<string, string> {
  const extra = new Set(allow);
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (ALWAYS_PASSED.has(name) || name.startsWith('LC_') || extra.has(name)) result[name] = value;
  }
  return result;
}

/** The environment of a step's process: the allow-listed variables plus the step's identity. */
export function stepEnvironment(source: Environment, allow: readonly string[] | undefined, step: StepSpec, ctx: StepContext): NodeJS.ProcessEnv {
  return {
    ...allowListedEnvironment(source, allow),
    JIM_SCHEDULE_ID: ctx.scheduleId,
    JIM_EXECUTION_ID: ctx.executionId,
    JIM_STEP_INDEX: String(step.stepIndex),
    JIM_STEP_ID: step.stepId,
  };
}
