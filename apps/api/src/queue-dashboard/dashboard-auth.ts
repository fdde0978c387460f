import type { ArgumentsHost } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { DomainError } from '@jim/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import { API_KEY_HEADER, AUTHENTICATION_REQUIRED } from '../auth/api-key-format';
import type { Principal } from '../auth/principal';
import { ErrorFilter } from '../common/error.filter';
import type { RateLimiter } from '../rate-limit/rate-limiter.service';

export const DASHBOARD_REALM = 'JIM queues';

/**
 * Administrators only. Browsers cannot send X-API-Key, so the key is also accepted as the password of HTTP Basic
 * authentication (any user name). Failures get the API's error body; a 401 also asks the browser for credentials.
 * Requests are counted by the API's rate limiter as API routes are: failed authentication per client address (so
 * keys cannot be guessed through the Basic prompt), valid keys per key; past the limit, 429 with Retry-After.
 */
export function administratorsOnly(authenticator: ApiKeyAuthenticator, limiter: RateLimiter): RequestHandler {
  const errors = new ErrorFilter();
  return (request: Request, response: Response, next: NextFunction) => {
    void (async () => {
      try {
        const principal = await authenticated(request, response, authenticator, limiter);
        if (!principal.isInfrastructure) limiter.enforceForKey(principal.keyId, response);
        if (!principal.roles.includes('Administrator')) {
          throw new DomainError('FORBIDDEN', 'Insufficient permissions (Administrator role required)');
        }
      } catch (error) {
        if (error instanceof DomainError && error.code === 'UNAUTHORISED') {
          response.setHeader('WWW-Authenticate', `Basic realm="${DASHBOARD_REALM}"`);
        }
        // The API's own mapping from failures to statuses and the error body (503 when the database is down, …).
        errors.catch(error, new ExecutionContextHost([request, response, next]) as ArgumentsHost);
        return;
      }
      next();
    })();
  };
}

async function authenticated(request: Request, response: Response, authenticator: ApiKeyAuthenticator, limiter: RateLimiter): Promise<Principal> {
  try {
    const key = keyOf(request);
    if (key === null) throw new DomainError('UNAUTHORISED', AUTHENTICATION_REQUIRED, 'Send an API key as X-API-Key or as the Basic password');
    return await authenticator.authenticateKey(key, request.ip ?? null);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'UNAUTHORISED') limiter.enforceForClient(request.ip, response);
    throw error;
  }
}

/** The X-API-Key header when there is one, else the password of a Basic Authorization header. */
export function keyOf(request: Request): string | null {
  const header = request.headers[API_KEY_HEADER];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (apiKey !== undefined) return apiKey;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) return null;
  const credentials = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon >= 0 ? credentials.slice(colon + 1) : null;
}
