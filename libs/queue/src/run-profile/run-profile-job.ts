import { isRunProfileStatus, type RunProfileRequest, type RunProfileResult } from '@jim/steps';

export const DEFAULT_RUN_PROFILE_QUEUE_NAME = 'run-profiles';
export const RUN_PROFILE_JOB_NAME = 'run-profile';

/**
 * One job per (schedule execution, step): dispatching the same step of the same execution
 * again finds the existing job instead of adding a second one. BullMQ refuses custom ids
 * with a `:` (other than its own 3-part form), hence the encoding.
 */
export function runProfileJobId(request: Pick<RunProfileRequest, 'scheduleExecutionId' | 'stepId'>): string {
  return `run-profile.${encodeURIComponent(request.scheduleExecutionId)}.${encodeURIComponent(request.stepId)}`;
}

/** The consumer's return value as a result; anything unrecognised is a failure that says what came back. */
export function toRunProfileResult(returnValue: unknown): RunProfileResult {
  const value = typeof returnValue === 'string' ? parseJson(returnValue) : returnValue;
  if (typeof value === 'object' && value !== null) {
    const { status, message } = value as { status?: unknown; message?: unknown };
    if (isRunProfileStatus(status)) {
      return typeof message === 'string' && message.length > 0 ? { status, message } : { status };
    }
  }
  return { status: 'FailedWithError', message: `Run-profile consumer returned an unrecognised result: ${preview(returnValue)}` };
}

/** A consumer job that threw (or was failed by BullMQ, e.g. stalled) is a failed run profile. */
export function failedJobResult(failedReason: string | undefined): RunProfileResult {
  return { status: 'FailedWithError', message: failedReason?.trim() || 'Run-profile job failed without a reason' };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
