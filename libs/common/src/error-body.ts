import type { ErrorBody, ErrorCode, ValidationErrors } from '@jim/contracts';

export type { ErrorBody };

export function errorBody(
  code: ErrorCode,
  message: string,
  details: string | null = null,
  validationErrors: ValidationErrors | null = null,
): ErrorBody {
  return { code, message, details, validationErrors, timestamp: new Date().toISOString() };
}
