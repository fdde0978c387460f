import { stat } from 'node:fs/promises';
import { problemText, resolveStepPaths } from '../paths/path-policy';
import type { StepContext, StepExecutor, StepResult, StepSpec } from '../step';
import { errorText, failedResult, redactedResult } from '../step-result';
import { DEFAULT_KILL_GRACE_MS, runProcess } from './process-runner';
import { describeStartFailure } from './start-failure';
import { stepArguments } from './step-arguments';
import { stepEnvironment, workerEnvironment, type Environment } from './step-environment';

export interface ExecutableStepExecutorOptions {
  /** Time between SIGTERM and SIGKILL when a step is aborted. Default 5000. */
  killGraceMs?: number;
  /** Directories executables must live in; empty or absent allows any path. */
  allowedRoots?: string[];
  /** Where the process's allow-listed variables come from; default the worker's environment. */
  environment?: Environment;
  /** Variables passed besides PATH, HOME, LANG, LC_*, TZ and TMPDIR. */
  environmentAllow?: string[];
  /** Values redacted from output besides the step's own secrets. */
  secrets?: string[];
}

/** Runs `executablePath` with `arguments` split into argv (no shell), in `workingDirectory`. */
export class ExecutableStepExecutor implements StepExecutor {
  readonly stepType = 'Executable' as const;

  constructor(private readonly opts: ExecutableStepExecutorOptions = {}) {}

  async execute(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    try {
      return redactedResult(await this.run(step, ctx), this.opts.secrets ?? []);
    } catch (error) {
      return redactedResult(failedResult(`Executable step failed unexpectedly: ${errorText(error)}`), this.opts.secrets ?? []);
    }
  }

  private async run(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    const source = this.opts.environment ?? workerEnvironment();
    const env = stepEnvironment(source, this.opts.environmentAllow, step, ctx);
    const paths = resolveStepPaths(step, this.opts.allowedRoots, env);
    if (!paths.configuredFile) return failedResult('The step has no executable path');
    if (paths.problems.length > 0) return failedResult(problemText(paths.problems[0]));
    if (!paths.file) return failedResult(`Executable '${paths.configuredFile}' was not found on PATH`);
    const executablePath = paths.file;
    if (await isDirectory(executablePath)) return failedResult(`Executable '${executablePath}' is a directory`);

    const parsed = stepArguments(step);
    if ('problem' in parsed) return failedResult(parsed.problem);

    return runProcess(
      {
        command: executablePath,
        args: parsed.args,
        cwd: paths.workingDirectory,
        env,
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
