import type { StepAbortReason, StepContext, StepResult } from './step';
import { redactSecrets } from './text/redact-secrets';

export function failedResult(errorMessage: string, extra: Partial<StepResult> = {}): StepResult {
  return { outcome: 'Failed', exitCode: null, stdoutTail: null, stderrTail: null, ...extra, errorMessage };
}

export function isStepAbortReason(value: unknown): value is StepAbortReason {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StepAbortReason>;
  return typeof candidate.kind === 'string' && typeof candidate.message === 'string';
}

/** The message a step fails with once its signal is aborted. */
export function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (isStepAbortReason(reason)) return reason.message;
  if (reason instanceof Error && reason.message) return reason.message;
  if (typeof reason === 'string' && reason) return reason;
  return 'Step was aborted';
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A log sink that never lets a failing logger break a step. */
export function safeLogger(ctx: StepContext): (line: string) => void {
  return (line) => {
    try {
      ctx.log(line);
    } catch {
      // The job log is best-effort; the step's own result must still be produced.
    }
  };
}

/** The result with `secrets` redacted from its error message (the tails are redacted as they are captured). */
export function redactedResult(result: StepResult, secrets: readonly string[]): StepResult {
  if (!result.errorMessage || secrets.length === 0) return result;
  return { ...result, errorMessage: redactSecrets(result.errorMessage, secrets) };
}
