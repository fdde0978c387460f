import type { StepContext, StepSpec } from '../step';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The worker's own environment. Step processes inherit it (PATH, HOME, locale, ...);
 * this is not configuration, and callers can replace it through the executors' `environment` option.
 */
export function workerEnvironment(): Environment {
  return process.env;
}

/** The environment of a step's process: the base environment plus the step's identity. */
export function stepEnvironment(base: Environment, step: StepSpec, ctx: StepContext): NodeJS.ProcessEnv {
  return {
    ...base,
    JIM_SCHEDULE_ID: ctx.scheduleId,
    JIM_EXECUTION_ID: ctx.executionId,
    JIM_STEP_INDEX: String(step.stepIndex),
    JIM_STEP_ID: step.stepId,
  };
}
