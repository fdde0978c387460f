import type { TriggerErrors } from './types';

export class TriggerValidationError extends Error {
  override readonly name = 'TriggerValidationError';

  constructor(readonly errors: TriggerErrors) {
    super(`Invalid trigger: ${summarise(errors)}`);
  }
}

function summarise(errors: TriggerErrors): string {
  return Object.entries(errors)
    .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
    .join(', ');
}

/** Collects every problem, one message list per input field, without duplicates. */
export class ErrorCollector {
  private readonly errors: TriggerErrors = {};

  add(field: string, message: string): void {
    const messages = (this.errors[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }

  has(field: string): boolean {
    return field in this.errors;
  }

  get isEmpty(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  toErrors(): TriggerErrors {
    return this.errors;
  }
}
