import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@jim/common';
import type { Request, Response } from 'express';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import { PUBLIC_ROUTE } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RateLimiter } from './rate-limiter.service';

/**
 * Counts every request to an authenticated route, after authentication and before the role check, so 401s and 403s
 * count too: per API key when the key is valid (the infrastructure key is exempt), otherwise per client address.
 * It must run before ApiKeyGuard: it authenticates the request itself and leaves `request.principal` for that guard,
 * so a request is still looked up only once. Public routes (health, docs) are not limited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter.enabled || context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { principal?: Principal }>();
    const response = http.getResponse<Response>();
    let principal = request.principal;
    if (!principal) {
      try {
        principal = await this.authenticator.authenticate(request);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'UNAUTHORISED') {
          this.limiter.enforceForClient(request.ip, response);
        }
        throw error;
      }
      request.principal = principal;
    }
    if (!principal.isInfrastructure) {
      this.limiter.enforceForKey(principal.keyId, response);
    }
    return true;
  }
}
