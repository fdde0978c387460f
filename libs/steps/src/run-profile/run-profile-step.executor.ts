import type { StepContext, StepExecutor, StepOutcome, StepResult, StepSpec } from '../step';
import { abortMessage, errorText, failedResult, safeLogger } from '../step-result';
import { isRunProfileStatus, type RunProfileGateway, type RunProfileRequest, type RunProfileResult, type RunProfileStatus } from './run-profile-gateway';

const OUTCOME_BY_STATUS: Record<RunProfileStatus, StepOutcome> = {
  Complete: 'Completed',
  CompleteWithWarning: 'CompletedWithWarning',
  CompleteWithError: 'CompletedWithError',
  FailedWithError: 'Failed',
};

/** Asks the engine, through a gateway, to run a connected system's run profile, and waits for it. */
export class RunProfileStepExecutor implements StepExecutor {
  readonly stepType = 'RunProfile' as const;

  constructor(private readonly gateway: RunProfileGateway) {}

  async execute(step: StepSpec, ctx: StepContext): Promise<StepResult> {
    if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));
    const request = buildRunProfileRequest(step, ctx);
    if (typeof request === 'string') return failedResult(request);
    const log = safeLogger(ctx);

    try {
      if (!(await this.gateway.hasConsumer())) return failedResult(this.noConsumerMessage());
    } catch (error) {
      return failedResult(`Could not check for a run-profile consumer: ${errorText(error)}`);
    }
    if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));

    log(`Running '${request.runProfileName}' (${request.runType}) on '${request.connectedSystemName}'`);
    let result: RunProfileResult;
    try {
      result = await this.gateway.dispatch(request, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) return failedResult(abortMessage(ctx.signal));
      return failedResult(`Run profile could not be run: ${errorText(error)}`);
    }
    return toStepResult(result, log);
  }

  private noConsumerMessage(): string {
    const queue = this.gateway.queueName ?? 'run-profiles';
    return `No sync engine: set JIM_SYNC_URL to drive JIM, or attach a consumer to the '${queue}' queue (docs/run-profile-queue.md)`;
  }
}

/** The request for a RunProfile step, or the reason the step cannot make one. */
export function buildRunProfileRequest(step: StepSpec, ctx: Pick<StepContext, 'executionId'>): RunProfileRequest | string {
  if (step.connectedSystemId == null) return 'The step has no connected system';
  if (step.runProfileId == null) return 'The step has no run profile';
  const runType = step.runType?.trim();
  if (!runType) return 'The step has no run type';
  return {
    connectedSystemId: step.connectedSystemId,
    connectedSystemName: step.connectedSystemName ?? '',
    runProfileId: step.runProfileId,
    runProfileName: step.runProfileName ?? '',
    runType,
    scheduleExecutionId: ctx.executionId,
    stepId: step.stepId,
  };
}

function toStepResult(result: RunProfileResult, log: (line: string) => void): StepResult {
  if (!result || !isRunProfileStatus(result.status)) {
    return failedResult(`Run-profile consumer returned an unrecognised result: ${describe(result)}`);
  }
  const outcome = OUTCOME_BY_STATUS[result.status];
  const message = typeof result.message === 'string' && result.message.length > 0 ? result.message : null;
  log(`Run profile finished: ${result.status}${message ? ` - ${message}` : ''}`);
  const errorMessage = outcome === 'Completed' ? null : (message ?? defaultMessage(result.status));
  return { outcome, exitCode: null, stdoutTail: message, stderrTail: null, errorMessage };
}

function defaultMessage(status: RunProfileStatus): string {
  switch (status) {
    case 'CompleteWithWarning':
      return 'Run profile completed with warnings';
    case 'CompleteWithError':
      return 'Run profile completed with errors';
    default:
      return 'Run profile failed';
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}
