import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@jim/common';
import { ApiKeyRepository, type ApiKeyCredentials, type Role } from '@jim/persistence';
import type { Request } from 'express';
import { API_KEY_HEADER, AUTHENTICATION_REQUIRED, hashApiKey, hashesEqual, isWellFormedApiKey, keyPrefix } from './api-key-format';
import type { Principal } from './principal';

/** Recording every use would write on every request; once a minute per key is enough to show activity. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The one 401 detail for a key that does not authenticate, whatever the reason: telling an unknown key from a disabled
 * or expired one would confirm to a caller that a key exists. The reason goes to the log instead.
 */
export const INVALID_API_KEY = 'Invalid API key';

@Injectable()
export class ApiKeyAuthenticator {
  private readonly logger = new Logger('Auth');

  constructor(@Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository) {}

  async authenticate(request: Request): Promise<Principal> {
    const header = request.headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined) throw unauthorised('No X-API-Key header was sent');
    return this.authenticateKey(key, request.ip ?? null);
  }

  /** The same checks for a key that arrived some other way (the queue dashboard also takes it as a Basic password). */
  async authenticateKey(key: string, ip: string | null): Promise<Principal> {
    if (!isWellFormedApiKey(key.trim())) throw unauthorised('Invalid API key format');
    const hash = hashApiKey(key.trim());
    const record = await this.keys.credentials(hash);
    if (!record || !hashesEqual(record.keyHash, hash)) throw this.refused(keyPrefix(key.trim()), 'unknown');
    if (!record.isEnabled) throw this.refused(record.keyPrefix, 'disabled');
    if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) throw this.refused(record.keyPrefix, 'expired');
    this.recordUse(record, ip);
    return {
      keyId: record.id,
      keyName: record.name,
      keyPrefix: record.keyPrefix,
      roles: withUserRole(record.roles),
      isInfrastructure: record.isInfrastructure,
    };
  }

  private refused(prefix: string, reason: 'unknown' | 'disabled' | 'expired'): DomainError {
    this.logger.warn({ keyPrefix: prefix, reason }, `API key refused: ${reason}`);
    return unauthorised(INVALID_API_KEY);
  }

  private recordUse(record: ApiKeyCredentials, ip: string | null): void {
    const now = Date.now();
    if (record.lastUsedAt && now - record.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    // Not awaited: bookkeeping must never slow down or fail the request.
    void this.keys.recordUse(record.id, new Date(now), ip?.slice(0, 64) ?? null).catch(() => undefined);
  }
}

function unauthorised(details: string): DomainError {
  return new DomainError('UNAUTHORISED', AUTHENTICATION_REQUIRED, details);
}

/** Every authenticated key is at least a User, as in the original system. */
function withUserRole(roles: Role[]): Role[] {
  return roles.includes('User') ? roles : [...roles, 'User'];
}
