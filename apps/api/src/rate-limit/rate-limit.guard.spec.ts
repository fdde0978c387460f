import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@jim/common';
import { loadConfig } from '@jim/config';
import type { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import { Public } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter.service';

class Routes {
  @Public() health(): void {}
  list(): void {}
}

const principal: Principal = { keyId: 'k1', keyName: 'k', keyPrefix: 'jim_ak_00000', roles: ['Administrator', 'User'], isInfrastructure: false };

const limiters: RateLimiter[] = [];
afterEach(() => limiters.splice(0).forEach((limiter) => limiter.onModuleDestroy()));

function setup(authenticate: () => Promise<Principal>, env: Record<string, string> = {}) {
  const config = loadConfig({
    NODE_ENV: 'test',
    JIM_RATE_LIMIT_AUTHENTICATED_PER_MINUTE: '2',
    JIM_RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '1',
    ...env,
  });
  const limiter = new RateLimiter(config);
  limiters.push(limiter);
  const authenticator = { authenticate: jest.fn(authenticate) };
  const guard = new RateLimitGuard(new Reflector(), authenticator as unknown as ApiKeyAuthenticator, limiter);
  const context = (handler: keyof Routes, request: Record<string, unknown> = { ip: '203.0.113.9', headers: {} }) => {
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
    const ctx = {
      getType: () => 'http',
      getHandler: () => Routes.prototype[handler],
      getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    } as unknown as ExecutionContext;
    return { ctx, request, headers };
  };
  return { guard, limiter, authenticator, context };
}

describe('RateLimitGuard', () => {
  it('leaves public routes alone: no authentication, no counting', async () => {
    const { guard, authenticator, context } = setup(async () => principal);
    for (let i = 0; i < 10; i++) await expect(guard.canActivate(context('health').ctx)).resolves.toBe(true);
    expect(authenticator.authenticate).not.toHaveBeenCalled();
  });

  it('authenticates once and hands the principal on, so the auth guard does not look the key up again', async () => {
    const { guard, authenticator, context } = setup(async () => principal);
    const { ctx, request } = context('list');
    await guard.canActivate(ctx);
    expect(request.principal).toBe(principal);
    expect(authenticator.authenticate).toHaveBeenCalledTimes(1);
  });

  it('sets Retry-After before refusing', async () => {
    const { guard, context } = setup(async () => principal);
    await guard.canActivate(context('list').ctx);
    await guard.canActivate(context('list').ctx);
    const { ctx, headers } = context('list');
    await expect(guard.canActivate(ctx)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(Number(headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  });

  it('counts failed authentication per address, but not other failures (a database outage is not a bad key)', async () => {
    const unauthorised = new DomainError('UNAUTHORISED', 'Authentication required');
    const { guard, context } = setup(async () => {
      throw unauthorised;
    });
    await expect(guard.canActivate(context('list').ctx)).rejects.toBe(unauthorised);
    await expect(guard.canActivate(context('list').ctx)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await expect(guard.canActivate(context('list', { ip: '198.51.100.1', headers: {} }).ctx)).rejects.toBe(unauthorised);

    const outage = new Error('connection refused');
    const down = setup(async () => {
      throw outage;
    });
    for (let i = 0; i < 3; i++) await expect(down.guard.canActivate(down.context('list').ctx)).rejects.toBe(outage);
  });

  it('does nothing when disabled', async () => {
    const { guard, authenticator, context } = setup(async () => principal, { JIM_RATE_LIMIT_ENABLED: 'false' });
    for (let i = 0; i < 5; i++) await expect(guard.canActivate(context('list').ctx)).resolves.toBe(true);
    expect(authenticator.authenticate).not.toHaveBeenCalled();
  });
});
