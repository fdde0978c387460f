import type { ErrorBody } from '@jim/common';

/** Exit codes of the `jim` command. Usage errors keep commander's own code (1). */
export const EXIT = {
  ok: 0,
  failure: 1,
  cannotConnect: 2,
  timeout: 3,
} as const;

/** A failure with a message meant for people, and the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The API answered with an error status. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody> | null,
    readonly statusText: string,
  ) {
    super(describeApiError(status, body, statusText), EXIT.failure);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.body?.code ?? undefined;
  }
}

/** The API could not be reached at all (refused, DNS, TLS, no answer in time). */
export class ConnectionError extends CliError {
  constructor(message: string) {
    super(message, EXIT.cannotConnect);
    this.name = 'ConnectionError';
  }
}

export function describeApiError(status: number, body: Partial<ErrorBody> | null, statusText: string): string {
  const message = body?.message || statusText || `HTTP ${status}`;
  if (status === 401) {
    const reason = body?.details || message;
    return `Authentication failed: ${reason}. Check the API key (run jim connect again, or set JIM_API_KEY).`;
  }
  const code = body?.code || `HTTP ${status}`;
  const lines = [`JIM API error (${code}): ${message}`];
  if (body?.details) lines.push(`  ${body.details}`);
  for (const [field, messages] of Object.entries(body?.validationErrors ?? {})) {
    for (const text of messages) lines.push(`  ${field}: ${text}`);
  }
  return lines.join('\n');
}
