import { stat } from 'node:fs/promises';
import { refusePathOutsideRoots } from '../paths/path-policy';
import type { StepContext, StepExecutor, StepResult, StepSpec } from '../step';
import { errorText, failedResult } from '../step-result';
import { DEFAULT_KILL_GRACE_MS, runProcess } from './process-runner';
import { describeStartFailure } from './start-failure';
import { isBareCommandName, resolveInWorkingDirectory } from './working-directory';
import { stepArguments } from './step-arguments';
import { stepEnvironment, workerEnvironment, type Environment } from './step-environment';

export interface ExecutableStepExecutorOptions {
  /** Time between SIGTERM and SIGKILL when a step is aborted. Default 5000. */
  killGraceMs?: number;
  /** Directories executables must live in; empty or absent allows any path. */
  allowedRoots?: string[];
  /** Base environment of the process; default the worker's environment. */
  environment?: Environment;
  /** Values redacted from output besides the step's own secrets. */
  secrets?: string[];
}

/** Runs `executablePath` with `arguments` split into argv (no shell), in `workingDirectory`. */
export class ExecutableStepExecutor implements StepExecutor {
  readonly stepType = 'Executable' as const;

  constructor(private readonly opts: ExecutableStepExecutorOptions = {}) {}

  async execute(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    try {
      return await this.run(step, ctx);
    } catch (error) {
      return failedResult(`Executable step failed unexpectedly: ${errorText(error)}`);
    }
  }

  private async run(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    const configuredPath = step.executablePath?.trim();
    if (!configuredPath) return failedResult('The step has no executable path');
    const workingDirectory = step.workingDirectory?.trim() || null;
    const executablePath = isBareCommandName(configuredPath) ? configuredPath : resolveInWorkingDirectory(configuredPath, workingDirectory);
    const refusal = await refusePathOutsideRoots(executablePath, this.opts.allowedRoots);
    if (refusal) return failedResult(refusal);
    if (await isDirectory(executablePath)) return failedResult(`Executable '${executablePath}' is a directory`);

    const parsed = stepArguments(step);
    if ('problem' in parsed) return failedResult(parsed.problem);

    return runProcess(
      {
        command: executablePath,
        args: parsed.args,
        cwd: workingDirectory,
        env: stepEnvironment(this.opts.environment ?? workerEnvironment(), step, ctx),
        killGraceMs: this.opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        secrets: this.opts.secrets ?? [],
        describeStartFailure: (error) => describeStartFailure(`Executable '${executablePath}'`, error),
      },
      ctx,
    );
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
