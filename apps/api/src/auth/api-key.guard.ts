import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@jim/common';
import type { Role } from '@jim/contracts';
import type { Request } from 'express';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import type { Principal } from './principal';



/** Authenticates every request by its X-API-Key, then checks the role the route requires. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = request.principal ?? (await this.authenticator.authenticate(request));
    request.principal = principal;
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (role && !principal.roles.includes(role)) {
      throw new DomainError('FORBIDDEN', `Insufficient permissions (${role} role required)`);
    }
    return true;
  }
}
