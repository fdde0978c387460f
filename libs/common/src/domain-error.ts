import type { ErrorCode, ValidationErrors } from '@jim/contracts';

export type { ErrorCode, ValidationErrors };

/** A failure the caller can act on. Carries a code, never an HTTP status: the API maps codes to statuses in one place. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: string | null = null,
    readonly validationErrors: ValidationErrors | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(validationErrors: ValidationErrors, message = summarise(validationErrors)) {
    super('VALIDATION_ERROR', message, null, validationErrors);
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: string | null = null) {
    super('CONFLICT', message, details);
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, details: string | null = null) {
    super('BAD_REQUEST', message, details);
  }
}

function summarise(errors: ValidationErrors): string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return 'Validation failed';
  const [field, messages] = entries[0];
  const first = `${field}: ${messages[0]}`;
  return entries.length === 1 && messages.length === 1 ? first : `${first} (and ${countAll(errors) - 1} more)`;
}

function countAll(errors: ValidationErrors): number {
  return Object.values(errors).reduce((n, list) => n + list.length, 0);
}

/** Merges several error maps, keeping every message of every field. */
export function mergeValidationErrors(...maps: ValidationErrors[]): ValidationErrors {
  const merged: ValidationErrors = {};
  for (const map of maps) {
    for (const [field, messages] of Object.entries(map)) (merged[field] ??= []).push(...messages);
  }
  return merged;
}
