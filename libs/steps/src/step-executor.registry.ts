import { STEP_TYPES } from '@jim/contracts';
import type { StepExecutor, StepType } from './step';

/** One executor per step type; built once at start-up so a missing executor is found before any step runs. */
export class StepExecutorRegistry {
  private readonly byType = new Map<StepType, StepExecutor>();

  constructor(executors: StepExecutor[]) {
    for (const executor of executors) {
      if (!(STEP_TYPES as readonly string[]).includes(executor.stepType)) {
        throw new Error(`Step executor has an unknown step type '${executor.stepType}'`);
      }
      if (this.byType.has(executor.stepType)) {
        throw new Error(`More than one step executor is registered for step type '${executor.stepType}'`);
      }
      this.byType.set(executor.stepType, executor);
    }
    const missing = STEP_TYPES.filter((type) => !this.byType.has(type));
    if (missing.length > 0) {
      throw new Error(`No step executor is registered for step type ${missing.map((type) => `'${type}'`).join(', ')}`);
    }
  }

  get(type: StepType): StepExecutor {
    const executor = this.byType.get(type);
    if (!executor) throw new Error(`Unknown step type '${String(type)}'`);
    return executor;
  }
}
