import type { ParsedConnectionString, SqlDialect } from './connection-string';

export interface SqlScriptRun {
  script: string;
  connection: ParsedConnectionString;
  /** The step's whole timeout; the runner gives the server what is left of it. */
  timeoutMs: number;
  startedAt: number;
  signal: AbortSignal;
  /** One line for the step's output (notices, row counts). */
  log(line: string): void;
}

/**
 * Runs a whole script in one transaction: committed when every statement succeeded,
 * rolled back otherwise. Rejects with {@link SqlScriptError} or {@link SqlScriptAborted};
 * resolving means the transaction was committed.
 */
export interface SqlScriptRunner {
  readonly dialect: SqlDialect;
  run(run: SqlScriptRun): Promise<void>;
}

export class SqlScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlScriptError';
  }
}

/** The step's signal aborted and the transaction was rolled back. */
export class SqlScriptAborted extends Error {
  constructor() {
    super('SQL script aborted');
    this.name = 'SqlScriptAborted';
  }
}

/** What is left of the step's timeout, at least 1 ms; null when the step has no (finite, positive) timeout. */
export function remainingMs(run: Pick<SqlScriptRun, 'timeoutMs' | 'startedAt'>): number | null {
  if (!Number.isFinite(run.timeoutMs) || run.timeoutMs <= 0) return null;
  return Math.max(1, Math.floor(run.timeoutMs - (Date.now() - run.startedAt)));
}

export function timedOutOnServerMessage(timeoutMs: number): string {
  return `Timed out after ${formatSeconds(timeoutMs)} s (stopped by the database server)`;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}

/**
 * Settles with `work`, or rejects with {@link SqlScriptAborted} as soon as `signal` aborts
 * (calling `onAbort` so the work can be torn down).
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    onAbort();
    return Promise.reject(new SqlScriptAborted());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      work.catch(() => undefined);
      onAbort();
      reject(new SqlScriptAborted());
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
