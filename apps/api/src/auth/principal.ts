import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Tenant } from '@hivehub/db';
import type { Scope } from './scopes';

/** Who is acting: always one tenant, reached by one of its keys or by the hub's service key. */
export interface Principal {
  tenant: Tenant;
  scopes: Scope[];
  via: 'api_key' | 'service';
  keyId?: string;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest().principal as Principal | undefined;
  if (!principal) throw new Error('CurrentPrincipal used on a route without TenantAuthGuard');
  return principal;
});

export function actorOf(principal: Principal): string {
  return principal.via === 'service' ? 'service' : `api_key:${principal.keyId}`;
}
