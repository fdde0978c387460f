export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'BAD_REQUEST'
  | 'UNAUTHORISED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'HEADERS_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/** Field path → messages. */
export type ValidationErrors = Record<string, string[]>;

/** The one error body every failing request returns. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details: string | null;
  validationErrors: ValidationErrors | null;
  timestamp: string;
}
