import { redactSecretsInText } from '@jim/common';
import type { DueDelivery, ExecutionSummaryRow } from '@jim/persistence';
import { redactSecrets } from '@jim/steps';

/** How many of the last lines of a failing step's output a payload carries. */
export const OUTPUT_LINES = 20;

function lastLines(text: string | null, secrets: readonly string[]): string[] {
  if (!text) return [];
  const lines = redactSecretsInText(redactSecrets(text, secrets)).replace(/\n+$/, '').split('\n');
  return lines.slice(-OUTPUT_LINES);
}

function iso(date: Date | null): string | null {
  return date ? new Date(date).toISOString() : null;
}

/**
 * The JSON body of a delivery, in the Standard Webhooks shape `{type, timestamp, data}`: the event's own data as
 * recorded with it, plus, for execution events, a summary of the execution read now (it is final by then) with its
 * failing step's error and last lines of output, secrets redacted as in the step's own output.
 */
export function webhookPayload(delivery: DueDelivery, execution: ExecutionSummaryRow | null, serviceSecrets: readonly string[]): string {
  const data: Record<string, unknown> = { ...delivery.data };
  if (delivery.executionId) {
    data.execution = execution
      ? {
          id: execution.id,
          status: execution.status,
          triggerKind: execution.triggerKind,
          scheduledFor: iso(execution.scheduledFor),
          startedAt: iso(execution.startedAt),
          completedAt: iso(execution.completedAt),
          errorMessage: execution.errorMessage,
          failingStep: execution.failingStep && failingStep(execution.failingStep, serviceSecrets),
        }
      : { id: delivery.executionId };
    data.link = `/api/v1/schedule-executions/${delivery.executionId}`;
  } else if (delivery.event !== 'Ping') {
    const schedule = delivery.data.schedule as { id?: string } | undefined;
    if (schedule?.id) data.link = `/api/v1/schedules/${schedule.id}`;
  }
  return JSON.stringify({ type: delivery.event, timestamp: delivery.created.toISOString(), data });
}

function failingStep(step: NonNullable<ExecutionSummaryRow['failingStep']>, serviceSecrets: readonly string[]): Record<string, unknown> {
  const secrets = [...serviceSecrets, ...step.secrets];
  return {
    name: step.name,
    stepIndex: step.stepIndex,
    status: step.status,
    errorMessage: step.errorMessage === null ? null : redactSecretsInText(redactSecrets(step.errorMessage, secrets)),
    exitCode: step.exitCode,
    stdoutLastLines: lastLines(step.stdoutTail, secrets),
    stderrLastLines: lastLines(step.stderrTail, secrets),
  };
}
