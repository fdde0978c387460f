import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, ErrorBody, ErrorCode, errorBody } from '@jim/common';
import { isDatabaseUnavailable } from '@jim/persistence';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORISED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORISED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  431: 'HEADERS_TOO_LARGE',
  415: 'BAD_REQUEST',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The service is temporarily unavailable due to database connectivity. Please retry your request.';
export const RETRY_AFTER_SECONDS = 5;

/** The one place where failures become HTTP responses, all with the same body. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, retryAfter } = this.describe(exception);
    if (retryAfter) response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody; retryAfter?: number } {
    if (exception instanceof DomainError) {
      const body = errorBody(exception.code, exception.message, exception.details, exception.validationErrors);
      return { status: STATUS_BY_CODE[exception.code], body };
    }
    // Express body-parser failures arrive wrapped in an HttpException, with the parser's error as the cause.
    if (exception instanceof HttpException && isBodyParserError(exception.cause)) return this.fromBodyParser(exception.cause);
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (isBodyParserError(exception)) return this.fromBodyParser(exception);
    if (isDatabaseUnavailable(exception)) {
      return {
        status: 503,
        body: errorBody('SERVICE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE),
        retryAfter: RETRY_AFTER_SECONDS,
      };
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId }, 'Unhandled error');
    return {
      status: 500,
      body: errorBody('INTERNAL_ERROR', 'An unexpected error occurred.', `Error id: ${errorId}`),
    };
  }

  private fromHttpException(exception: HttpException): { status: number; body: ErrorBody; retryAfter?: number } {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    const response = exception.getResponse();
    const message =
      status === HttpStatus.NOT_FOUND
        ? 'The requested resource was not found'
        : typeof response === 'object' && response && 'message' in response && typeof response.message === 'string'
          ? response.message
          : exception.message;
    return { status, body: errorBody(code, message) };
  }

  private fromBodyParser(error: BodyParserError): { status: number; body: ErrorBody } {
    if (error.type === 'entity.too.large') {
      return { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than the limit of ${error.limit} bytes`) };
    }
    if (error.type === 'entity.parse.failed') {
      return {
        status: 400,
        body: errorBody('VALIDATION_ERROR', 'Malformed JSON in request body', error.message, { body: ['is not valid JSON'] }),
      };
    }
    return { status: 400, body: errorBody('BAD_REQUEST', error.message) };
  }
}

interface BodyParserError {
  type: string;
  status: number;
  message: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const e = error as Partial<BodyParserError> | null;
  return !!e && typeof e.type === 'string' && typeof e.status === 'number' && /^(entity|charset|encoding|request)\./.test(e.type);
}
