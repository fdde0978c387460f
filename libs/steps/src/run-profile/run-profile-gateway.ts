/** What a run-profile consumer (the JIM engine) is asked to run. */
export interface RunProfileRequest {
  connectedSystemId: number;
  connectedSystemName: string;
  runProfileId: number;
  runProfileName: string;
  runType: string;
  scheduleExecutionId: string;
  stepId: string;
}

export type RunProfileStatus = 'Complete' | 'CompleteWithWarning' | 'CompleteWithError' | 'FailedWithError';

export const RUN_PROFILE_STATUSES: readonly RunProfileStatus[] = Object.freeze([
  'Complete',
  'CompleteWithWarning',
  'CompleteWithError',
  'FailedWithError',
] as const);

export interface RunProfileResult {
  status: RunProfileStatus;
  message?: string;
}

/** Hands run profiles to whatever runs them and waits for the outcome. */
export interface RunProfileGateway {
  /** Named in the "no consumer" failure message. */
  readonly queueName?: string;
  hasConsumer(): Promise<boolean>;
  /**
   * Resolves with the consumer's result. When `signal` aborts, the request is withdrawn if
   * it has not started, the wait stops, and the promise rejects.
   */
  dispatch(request: RunProfileRequest, signal: AbortSignal): Promise<RunProfileResult>;
}

export function isRunProfileStatus(value: unknown): value is RunProfileStatus {
  return typeof value === 'string' && (RUN_PROFILE_STATUSES as readonly string[]).includes(value);
}
