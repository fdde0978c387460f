import type { ExecutionStatus, ScheduleExecutionDetailResponse } from '@jim/contracts';
import type { JimApi } from './api';
import { ApiError, ConnectionError } from './errors';
import type { Stream } from './output';
import { progressLine } from './views';

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['Complete', 'Failed', 'Cancelled'];

export interface WaitOptions {
  timeoutSeconds: number;
  /** Where the progress goes; on a terminal one line is redrawn, otherwise each change is printed. */
  progress: Stream & { columns?: number };
  intervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Consecutive failed polls (no connection, 502/503/504) tolerated before giving up. */
  maxTransientFailures?: number;
}

export interface WaitResult {
  execution: ScheduleExecutionDetailResponse;
  timedOut: boolean;
}

const TRANSIENT_STATUSES = [502, 503, 504];

/** Polls the execution until it finishes or the timeout passes; the execution itself is never touched. */
export async function waitForExecution(api: JimApi, executionId: string, options: WaitOptions): Promise<WaitResult> {
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxFailures = options.maxTransientFailures ?? 10;
  const deadline = now() + options.timeoutSeconds * 1000;
  const terminal = Boolean(options.progress.isTTY);
  let shown = '';
  let failures = 0;
  let last: ScheduleExecutionDetailResponse | undefined;

  const clear = () => {
    if (terminal && shown) options.progress.write('\r\x1b[2K');
  };

  try {
    for (;;) {
      try {
        last = await api.execution(executionId);
        failures = 0;
      } catch (error) {
        const transient = error instanceof ConnectionError || (error instanceof ApiError && TRANSIENT_STATUSES.includes(error.status));
        if (!transient || ++failures > maxFailures || !last) throw error;
      }
      if (TERMINAL_STATUSES.includes(last.status)) return { execution: last, timedOut: false };
      const line = progressLine(last);
      if (terminal) {
        const width = options.progress.columns ?? 0;
        options.progress.write(`\r\x1b[2K${width > 1 && line.length >= width ? `${line.slice(0, width - 2)}…` : line}`);
        shown = line;
      } else if (line !== shown) {
        options.progress.write(`${line}\n`);
        shown = line;
      }
      const remaining = deadline - now();
      if (remaining <= 0) return { execution: last, timedOut: true };
      await sleep(Math.min(intervalMs, remaining));
    }
  } finally {
    clear();
  }
}
