import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@jim/contracts';
import type { Principal } from './principal';

export const PUBLIC_ROUTE = 'jim:public';
export const REQUIRED_ROLE = 'jim:required-role';

/** No authentication at all (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Authenticated callers must also hold this role. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});
