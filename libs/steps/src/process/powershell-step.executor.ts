import { stat } from 'node:fs/promises';
import { refusePathOutsideRoots } from '../paths/path-policy';
import type { StepContext, StepExecutor, StepResult, StepSpec } from '../step';
import { errorText, failedResult } from '../step-result';
import { DEFAULT_KILL_GRACE_MS, runProcess } from './process-runner';
import { describeStartFailure } from './start-failure';
import { resolveInWorkingDirectory } from './working-directory';
import { stepArguments } from './step-arguments';
import { stepEnvironment, workerEnvironment, type Environment } from './step-environment';

export interface PowerShellStepExecutorOptions {
  /** The PowerShell host to run; default `pwsh` (looked up on PATH). */
  hostPath?: string;
  /** Time between SIGTERM and SIGKILL when a step is aborted. Default 5000. */
  killGraceMs?: number;
  /** Directories scripts must live in; empty or absent allows any path. */
  allowedRoots?: string[];
  /** Base environment of the host process; default the worker's environment. */
  environment?: Environment;
  /** Values redacted from output besides the step's own secrets. */
  secrets?: string[];
}

export const DEFAULT_POWERSHELL_HOST = 'pwsh';

/** Runs `<host> -NoProfile -NonInteractive -File <scriptPath> <arguments...>`. */
export class PowerShellStepExecutor implements StepExecutor {
  readonly stepType = 'PowerShell' as const;
  private readonly hostPath: string;

  constructor(private readonly opts: PowerShellStepExecutorOptions = {}) {
    this.hostPath = opts.hostPath?.trim() || DEFAULT_POWERSHELL_HOST;
  }

  async execute(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    try {
      return await this.run(step, ctx);
    } catch (error) {
      return failedResult(`PowerShell step failed unexpectedly: ${errorText(error)}`);
    }
  }

  private async run(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    const configuredPath = step.scriptPath?.trim();
    if (!configuredPath) return failedResult('The step has no script path');
    const workingDirectory = step.workingDirectory?.trim() || null;
    const scriptPath = resolveInWorkingDirectory(configuredPath, workingDirectory);
    const refusal = await refusePathOutsideRoots(scriptPath, this.opts.allowedRoots);
    if (refusal) return failedResult(refusal);
    const scriptProblem = await scriptFileProblem(scriptPath);
    if (scriptProblem) return failedResult(scriptProblem);

    const parsed = stepArguments(step);
    if ('problem' in parsed) return failedResult(parsed.problem);

    return runProcess(
      {
        command: this.hostPath,
        args: ['-NoProfile', '-NonInteractive', '-File', scriptPath, ...parsed.args],
        cwd: workingDirectory,
        env: stepEnvironment(this.opts.environment ?? workerEnvironment(), step, ctx),
        killGraceMs: this.opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        secrets: this.opts.secrets ?? [],
        describeStartFailure: (error) => describeStartFailure(`PowerShell host '${this.hostPath}'`, error),
      },
      ctx,
    );
  }
}

async function scriptFileProblem(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? null : `Script '${path}' is not a file`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `Script '${path}' was not found`;
    return `Script '${path}' cannot be read: ${errorText(error)}`;
  }
}
