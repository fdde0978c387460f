import type { ErrorCode, ValidationErrors } from './domain-error';

/** The one error body every failing request returns. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: string | null;
  validationErrors: ValidationErrors | null;
  timestamp: string;
}

export function errorBody(
  code: ErrorCode,
  message: string,
  details: string | null = null,
  validationErrors: ValidationErrors | null = null,
): ErrorBody {
  return { code, message, details, validationErrors, timestamp: new Date().toISOString() };
}
