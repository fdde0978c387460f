import { stat } from 'node:fs/promises';
import { problemText, resolveStepPaths } from '../paths/path-policy';
import type { StepContext, StepExecutor, StepResult, StepSpec } from '../step';
import { errorText, failedResult, redactedResult } from '../step-result';
import { DEFAULT_KILL_GRACE_MS, runProcess } from './process-runner';
import { describeStartFailure } from './start-failure';
import { stepArguments } from './step-arguments';
import { stepEnvironment, workerEnvironment, type Environment } from './step-environment';

export interface PowerShellStepExecutorOptions {
  /** The PowerShell host to run; default `pwsh` (looked up on PATH). */
  hostPath?: string;
  /** Time between SIGTERM and SIGKILL when a step is aborted. Default 5000. */
  killGraceMs?: number;
  /** Directories scripts must live in; empty or absent allows any path. */
  allowedRoots?: string[];
  /** Where the host process's allow-listed variables come from; default the worker's environment. */
  environment?: Environment;
  /** Variables passed besides PATH, HOME, LANG, LC_*, TZ and TMPDIR. */
  environmentAllow?: string[];
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
      return redactedResult(await this.run(step, ctx), this.opts.secrets ?? []);
    } catch (error) {
      return redactedResult(failedResult(`PowerShell step failed unexpectedly: ${errorText(error)}`), this.opts.secrets ?? []);
    }
  }

  private async run(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    const source = this.opts.environment ?? workerEnvironment();
    const env = stepEnvironment(source, this.opts.environmentAllow, step, ctx);
    const paths = resolveStepPaths(step, this.opts.allowedRoots, env);
    if (!paths.configuredFile || !paths.file) return failedResult('The step has no script path');
    if (paths.problems.length > 0) return failedResult(problemText(paths.problems[0]));
    const scriptPath = paths.file;
    const scriptProblem = await scriptFileProblem(scriptPath);
    if (scriptProblem) return failedResult(scriptProblem);

    const parsed = stepArguments(step);
    if ('problem' in parsed) return failedResult(parsed.problem);

    return runProcess(
      {
        command: this.hostPath,
        args: ['-NoProfile', '-NonInteractive', '-File', scriptPath, ...parsed.args],
        cwd: paths.workingDirectory,
        env,
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
