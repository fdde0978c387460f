import type { StepExecutor, StepType } from './step';
import { StepExecutorRegistry } from './step-executor.registry';

function fakeExecutor(stepType: StepType): StepExecutor {
  return {
    stepType,
    execute: async () => ({ outcome: 'Completed', exitCode: 0, stdoutTail: null, stderrTail: null, errorMessage: null }),
  };
}

const all = (): StepExecutor[] => (['RunProfile', 'PowerShell', 'Executable', 'SqlScript'] as const).map(fakeExecutor);

describe('StepExecutorRegistry', () => {
  it('returns the executor of each step type', () => {
    const executors = all();
    const registry = new StepExecutorRegistry(executors);
    for (const executor of executors) expect(registry.get(executor.stepType)).toBe(executor);
  });

  it('refuses a missing step type, naming it', () => {
    const executors = all().filter((executor) => executor.stepType !== 'SqlScript');
    expect(() => new StepExecutorRegistry(executors)).toThrow("No step executor is registered for step type 'SqlScript'");
  });

  it('refuses a step type registered twice, naming it', () => {
    expect(() => new StepExecutorRegistry([...all(), fakeExecutor('PowerShell')])).toThrow(
      "More than one step executor is registered for step type 'PowerShell'",
    );
  });

  it('refuses an executor of an unknown type', () => {
    expect(() => new StepExecutorRegistry([...all(), fakeExecutor('Batch' as StepType)])).toThrow("unknown step type 'Batch'");
  });

  it('throws for an unknown type at lookup', () => {
    expect(() => new StepExecutorRegistry(all()).get('Batch' as StepType)).toThrow("Unknown step type 'Batch'");
  });
});
