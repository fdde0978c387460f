import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StepAbortReason, StepContext, StepSpec, StepType } from '../src';

export const FIXTURES_DIR = __dirname;

export function fixture(...parts: string[]): string {
  return join(FIXTURES_DIR, ...parts);
}

export interface TestContext extends StepContext {
  lines: string[];
  controller: AbortController;
  abort(kind: StepAbortReason['kind'], message: string): void;
  /** Aborts as a step timeout after `ms`. */
  timeoutAfter(ms: number): void;
}

export function testContext(overrides: Partial<Pick<StepContext, 'timeoutMs' | 'scheduleId' | 'executionId'>> = {}): TestContext {
  const controller = new AbortController();
  const lines: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  const ctx: TestContext = {
    scheduleId: overrides.scheduleId ?? 'schedule-1',
    executionId: overrides.executionId ?? 'execution-1',
    timeoutMs: overrides.timeoutMs ?? 60_000,
    signal: controller.signal,
    log: (line) => lines.push(line),
    lines,
    controller,
    abort: (kind, message) => controller.abort({ kind, message } satisfies StepAbortReason),
    timeoutAfter: (ms) => {
      const timer = setTimeout(() => ctx.abort('timeout', `Timed out after ${ms / 1000} s`), ms);
      timers.push(timer);
      controller.signal.addEventListener('abort', () => timers.forEach(clearTimeout));
    },
  };
  return ctx;
}

export function stepSpec(stepType: StepType, fields: Partial<StepSpec> = {}): StepSpec {
  return { stepId: 'step-1', stepIndex: 0, name: `${stepType} step`, stepType, ...fields };
}

/**
 * Whether a process is still running. A zombie counts as gone: it has exited and only
 * waits to be reaped, which an init process in a container may never do.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (not Linux): the signal check above is all there is.
    return !existsSync('/proc/self');
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return condition();
}

/**
 * Whether process `pid` is gone within `withinMs`. A killed process closes its pipes (which ends the step) a moment
 * before the kernel marks it exited, so a check made the instant the step ends can still see it running.
 */
export function exitsWithin(pid: number, withinMs = 500): Promise<boolean> {
  return waitFor(() => !isProcessRunning(pid), withinMs, 5);
}

export function readPid(file: string): number {
  const text = readFileSync(file, 'utf8').trim();
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} holds no pid: ${JSON.stringify(text)}`);
  return pid;
}
