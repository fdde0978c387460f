import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiResponse, getSchemaPath, type OpenAPIObject, type OperationObject } from '@nestjs/swagger';
import type { ErrorBody, ErrorCode, ValidationErrors } from '@jim/common';
import { BODY_LIMIT_BYTES, MAX_HEADER_SIZE } from '../http-server';

/** Every code the error body can carry; a Record so that a new code cannot be left out here. */
const CODES: Record<ErrorCode, true> = {
  VALIDATION_ERROR: true,
  BAD_REQUEST: true,
  UNAUTHORISED: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  METHOD_NOT_ALLOWED: true,
  CONFLICT: true,
  PAYLOAD_TOO_LARGE: true,
  HEADERS_TOO_LARGE: true,
  TOO_MANY_REQUESTS: true,
  SERVICE_UNAVAILABLE: true,
  INTERNAL_ERROR: true,
};
export const ERROR_CODES = Object.keys(CODES) as ErrorCode[];

/** The one error body every failing request returns. */
export class ErrorResponse implements ErrorBody {
  @ApiProperty({ enum: ERROR_CODES, description: 'Machine-readable error code.', example: 'VALIDATION_ERROR' })
  code: ErrorCode;

  @ApiProperty({ description: 'What went wrong, in words.', example: 'name: must be 1 to 200 characters' })
  message: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'More detail, when there is any.', example: null })
  details: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    nullable: true,
    description: 'For VALIDATION_ERROR: every problem, as messages keyed by field path (for example `steps[1].timeoutSeconds`).',
    example: { name: ['must be 1 to 200 characters'] },
  })
  validationErrors: ValidationErrors | null;

  @ApiProperty({ format: 'date-time', description: 'When the error occurred (UTC).', example: '2026-07-13T12:00:00.000Z' })
  timestamp: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 431 | 500;

const EXAMPLE_ID = '7d0d4a8e-8a53-4b39-9d43-1a0f1cbbd3d1';

const DEFAULT_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is invalid: VALIDATION_ERROR (with `validationErrors` per field) or BAD_REQUEST.',
  401: 'UNAUTHORISED: no X-API-Key header, or the key is unknown, disabled or expired.',
  403: 'FORBIDDEN: the API key does not hold the Administrator role.',
  404: 'NOT_FOUND: there is no such resource.',
  409: 'CONFLICT: the change conflicts with existing data.',
  429: 'TOO_MANY_REQUESTS: over the rate limit of the API key (or, without a valid key, of the client address); retry after Retry-After seconds.',
  413: `PAYLOAD_TOO_LARGE: the JSON body is larger than ${BODY_LIMIT_BYTES} bytes (3 MiB: the largest schedule the schema allows fits, in UTF-8).`,
  431: `HEADERS_TOO_LARGE: the request line and headers together are larger than ${MAX_HEADER_SIZE} bytes (64 KiB).`,
  500: 'INTERNAL_ERROR: an unexpected failure; `details` carries an error id to quote, never internals.',
};

const EXAMPLES: Record<ErrorStatus, ErrorBody> = {
  400: {
    code: 'VALIDATION_ERROR',
    message: 'name: must be 1 to 200 characters',
    details: null,
    validationErrors: { name: ['must be 1 to 200 characters'] },
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  401: {
    code: 'UNAUTHORISED',
    message: 'Authentication required',
    details: 'No X-API-Key header was sent',
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  403: {
    code: 'FORBIDDEN',
    message: 'Insufficient permissions (Administrator role required)',
    details: null,
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  404: { code: 'NOT_FOUND', message: 'The requested resource was not found', details: null, validationErrors: null, timestamp: '2026-07-13T12:00:00.000Z' },
  409: {
    code: 'CONFLICT',
    message: "A schedule named 'Morning Import' already exists",
    details: 'Schedule names are unique, ignoring case',
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  429: {
    code: 'TOO_MANY_REQUESTS',
    message: 'Too many requests. Please retry after the indicated delay.',
    details: 'The limit is 300 requests per minute per API key.',
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  413: {
    code: 'PAYLOAD_TOO_LARGE',
    message: `Request body is larger than the limit of ${BODY_LIMIT_BYTES} bytes`,
    details: null,
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  431: {
    code: 'HEADERS_TOO_LARGE',
    message: `The request line and headers are larger than the limit of ${MAX_HEADER_SIZE} bytes`,
    details: null,
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
  500: {
    code: 'INTERNAL_ERROR',
    message: 'An unexpected error occurred.',
    details: `Error id: ${EXAMPLE_ID}`,
    validationErrors: null,
    timestamp: '2026-07-13T12:00:00.000Z',
  },
};

const HEADERS: Partial<Record<ErrorStatus, Record<string, { description: string; schema: { type: 'integer' } }>>> = {
  429: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
};

/** How an operation describes one of its error responses; the example body is built from it. */
export interface ErrorDescription {
  description: string;
  /** The code and message of the example body, when the standard example does not fit. */
  code?: ErrorCode;
  message?: string;
}

/** A 404 whose message is `message` (with `{id}` standing for the id in the path). */
export function notFound(message: string): ErrorDescription {
  return { description: `NOT_FOUND: ${message}`, code: 'NOT_FOUND', message };
}

/** A 400 BAD_REQUEST with this message: a request that is well formed but cannot be done. */
export function badRequest(message: string): ErrorDescription {
  return { description: `BAD_REQUEST: ${message}`, code: 'BAD_REQUEST', message };
}

/**
 * Error responses with the error body schema. Pass a status with `true` for the standard wording,
 * a sentence saying when this operation returns it, or an ErrorDescription.
 */
export function ApiErrors(statuses: Partial<Record<ErrorStatus, true | string | ErrorDescription>>) {
  const decorators = Object.entries(statuses).map(([key, given]) => {
    const status = Number(key) as ErrorStatus;
    const described: ErrorDescription =
      given === true || given === undefined ? { description: DEFAULT_DESCRIPTIONS[status] } : typeof given === 'string' ? { description: given } : given;
    const message = described.message?.replace('{id}', EXAMPLE_ID);
    const example = message
      ? { ...EXAMPLES[status], code: described.code ?? EXAMPLES[status].code, message, details: null, validationErrors: null }
      : EXAMPLES[status];
    return ApiResponse({ status, description: described.description, type: ErrorResponse, example, headers: HEADERS[status] });
  });
  return applyDecorators(...decorators);
}

/** What every protected operation can return: 401 and 403, and 429 from the rate limiter. */
export const ApiAuthErrors = () => ApiErrors({ 401: true, 403: true, 429: true });

/**
 * What any operation can meet below its controller: 431 and 500 everywhere, 413 where a JSON body is taken.
 * Added to the built document, so no operation can leave them out.
 */
export function addTransportErrors(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as unknown[]) {
      if (!isOperation(operation)) continue;
      const statuses: ErrorStatus[] = operation.requestBody ? [413, 431, 500] : [431, 500];
      for (const status of statuses) {
        operation.responses[status] ??= {
          description: DEFAULT_DESCRIPTIONS[status],
          content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) }, example: EXAMPLES[status] } },
        };
      }
    }
  }
}

function isOperation(value: unknown): value is OperationObject {
  return typeof value === 'object' && value !== null && 'responses' in value;
}

/** The paging fields of every paginated list; the items come from the operation's own model. */
export class PagedEnvelope {
  @ApiProperty({ description: 'Number of items matching the query, over all pages.', example: 42, minimum: 0 })
  totalCount: number;

  @ApiProperty({ description: 'Page number (1-based).', example: 1, minimum: 1 })
  page: number;

  @ApiProperty({ description: 'Page size used (requests above 100 are clamped to 100).', example: 20, minimum: 1, maximum: 100 })
  pageSize: number;

  @ApiProperty({ description: 'ceil(totalCount / pageSize).', example: 3, minimum: 0 })
  totalPages: number;

  @ApiProperty({ description: 'page < totalPages.', example: true })
  hasNextPage: boolean;

  @ApiProperty({ description: 'page > 1.', example: false })
  hasPreviousPage: boolean;
}

/** 200 with `{ items: Model[], totalCount, page, pageSize, totalPages, hasNextPage, hasPreviousPage }`. */
export function ApiPagedOkResponse(model: Type<unknown>, description: string) {
  return applyDecorators(
    ApiExtraModels(PagedEnvelope, model),
    ApiResponse({
      status: 200,
      description,
      schema: {
        allOf: [
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } } },
          },
          { $ref: getSchemaPath(PagedEnvelope) },
        ],
      },
    }),
  );
}
