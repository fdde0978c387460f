import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { StepContext, StepResult } from '../step';
import { abortMessage, errorText, failedResult, safeLogger } from '../step-result';
import { CapturedOutput } from '../text/captured-output';
import { ProcessGroup } from './process-group';
import type { ProcessWarden } from './process-warden';
import { processSpawner } from './spawner';

export const DEFAULT_KILL_GRACE_MS = 5000;

/** How long after the process exits its output pipes may stay open (held by something that escaped its group). */
const DRAIN_AFTER_EXIT_MS = 2000;

/** What starts one process; plain data, so that it can be handed to the spawner thread. */
export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd?: string | null;
  env: NodeJS.ProcessEnv;
  killGraceMs: number;
  secrets: readonly string[];
}

export interface ProcessLaunch extends ProcessSpec {
  /** The failure message when the process cannot be started (ENOENT, EACCES, ...). */
  describeStartFailure(error: NodeJS.ErrnoException): string;
}

/** The result of a process run, or why it could not be started. */
export type ProcessOutcome = { result: StepResult } | { startError: { code?: string; message: string } };

interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs one process without a shell as the leader of its own process group, captures
 * its output and stops the whole group when the step is aborted. The process is started,
 * watched and stopped on the spawner thread: a spawn and a walk of `/proc` each block
 * their event loop for milliseconds, which the loop that fires ticks cannot spare.
 */
export async function runProcess(launch: ProcessLaunch, ctx: StepContext): Promise<StepResult> {
  if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));
  if (launch.cwd) {
    const problem = await workingDirectoryProblem(launch.cwd);
    if (problem) return failedResult(problem);
  }
  const { describeStartFailure, ...spec } = launch;
  const outcome = await processSpawner().run(spec, ctx.signal, safeLogger(ctx));
  if ('result' in outcome) return outcome.result;
  return failedResult(describeStartFailure(Object.assign(new Error(outcome.startError.message), { code: outcome.startError.code })));
}

async function workingDirectoryProblem(cwd: string): Promise<string | null> {
  try {
    const info = await stat(cwd);
    return info.isDirectory() ? null : `Working directory '${cwd}' is not a directory`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `Working directory '${cwd}' does not exist`;
    return `Working directory '${cwd}' cannot be used: ${errorText(error)}`;
  }
}

/**
 * Runs the process on the calling thread; the spawner thread runs each process it is given through this, with its
 * warden, which stops the process's group if this process dies while it runs.
 */
export function runProcessHere(spec: ProcessSpec, signal: AbortSignal, log: (line: string) => void, warden?: ProcessWarden): Promise<ProcessOutcome> {
  return new ProcessRun(spec, signal, log, warden).outcome();
}

class ProcessRun {
  private readonly stdout: CapturedOutput;
  private readonly stderr: CapturedOutput;
  private group: ProcessGroup | undefined;
  private exitStatus: ExitStatus | undefined;
  private abortedWith: string | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private child: ChildProcess | undefined;

  constructor(
    private readonly launch: ProcessSpec,
    private readonly signal: AbortSignal,
    private readonly log: (line: string) => void,
    private readonly warden: ProcessWarden | undefined,
  ) {
    this.stdout = new CapturedOutput(launch.secrets, this.log);
    this.stderr = new CapturedOutput(launch.secrets, this.log, '[stderr] ');
  }

  outcome(): Promise<ProcessOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const onAbort = () => this.abort();
      const finish = (result: ProcessOutcome) => {
        if (settled) return;
        settled = true;
        this.signal.removeEventListener('abort', onAbort);
        if (this.drainTimer) clearTimeout(this.drainTimer);
        if (this.child?.pid !== undefined) this.warden?.release(this.child.pid);
        resolve(result);
      };

      let child: ChildProcess;
      try {
        child = spawn(this.launch.command, [...this.launch.args], {
          cwd: this.launch.cwd ?? undefined,
          env: this.launch.env,
          shell: false,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          windowsHide: true,
        });
      } catch (error) {
        finish(startError(error as NodeJS.ErrnoException));
        return;
      }

      child.stdout?.on('data', (chunk: Buffer) => this.stdout.write(chunk));
      child.stderr?.on('data', (chunk: Buffer) => this.stderr.write(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        // After a successful start, errors only concern signalling, which the group handles.
        if (child.pid === undefined) finish(startError(error));
      });
      if (child.pid === undefined) return;

      this.child = child;
      this.warden?.watch(child.pid, this.launch.killGraceMs);
      this.group = new ProcessGroup(child.pid, this.launch.killGraceMs);
      child.on('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        // Whatever the step left running in its group goes with it; pipes it holds would otherwise keep us waiting.
        this.group?.terminate();
        this.drainTimer = setTimeout(() => this.stopDraining(), this.launch.killGraceMs + DRAIN_AFTER_EXIT_MS);
      });
      child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitStatus ??= { code, signal };
        finish({ result: this.result() });
      });

      this.signal.addEventListener('abort', onAbort, { once: true });
      if (this.signal.aborted) this.abort();
    });
  }

  private abort(): void {
    if (this.exitStatus) {
      // The step's process already ended; only leftovers holding its pipes are being waited for.
      this.group?.kill();
      this.stopDraining();
      return;
    }
    this.abortedWith = abortMessage(this.signal);
    this.log(`Stopping the step's processes: ${this.abortedWith}`);
    this.group?.terminate();
  }

  private stopDraining(): void {
    this.child?.stdout?.destroy();
    this.child?.stderr?.destroy();
  }

  private result(): StepResult {
    this.stdout.end();
    this.stderr.end();
    const tails = { stdoutTail: this.stdout.text(), stderrTail: this.stderr.text() };
    const { code, signal } = this.exitStatus ?? { code: null, signal: null };
    if (this.abortedWith !== undefined) {
      return { outcome: 'Failed', exitCode: code, ...tails, errorMessage: this.abortedWith };
    }
    if (code === 0) return { outcome: 'Completed', exitCode: 0, ...tails, errorMessage: null };
    if (code !== null) return { outcome: 'Failed', exitCode: code, ...tails, errorMessage: `Process exited with code ${code}` };
    return { outcome: 'Failed', exitCode: null, ...tails, errorMessage: `Process was terminated by signal ${signal ?? 'unknown'}` };
  }
}

function startError(error: NodeJS.ErrnoException): ProcessOutcome {
  return { startError: { code: error.code, message: error.message } };
}
