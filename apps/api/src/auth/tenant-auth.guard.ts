import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { header, type HttpRequest } from '../http/http-request';
import { DomainError } from '@hivehub/common';
import { presentedApiKey } from './credentials';
import type { Principal } from './principal';
import type { Scope } from './scopes';
import { TenantAuthService } from './tenant-auth.service';

const REQUIRED_SCOPE = 'hivehub:required-scope';

/** Routes marked with `@TenantRoute(scope)` act for the tenant `authenticateTenant` finds. */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(
    private readonly auth: TenantAuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HttpRequest & { principal?: Principal }>();
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
    req.principal = await authenticateTenant(this.auth, req, scope);
    return true;
  }
}

/**
 * The tenant a request acts for, by its service headers or its key, holding `scope`
 * when one is named. Service headers win when present, so a wrong X-HiveHub-Service
 * is always a 401 even next to a valid key: a header that claims service identity is
 * never ignored.
 */
export async function authenticateTenant(auth: TenantAuthService, req: Pick<HttpRequest, 'headers'>, scope: Scope | undefined): Promise<Principal> {
  const serviceKey = header(req, 'x-hivehub-service');
  let principal: Principal;
  if (serviceKey !== undefined) {
    principal = await auth.authenticateService(serviceKey, header(req, 'x-hivehub-user-id'));
  } else {
    const key = presentedApiKey(req);
    if (!key) {
      throw new DomainError('unauthorized', 'send a tenant key as Authorization: Bearer <key> or api-key: <key>');
    }
    principal = await auth.authenticateKey(key);
  }
  if (scope && !principal.scopes.includes(scope)) {
    throw new DomainError('insufficient_scope', `this route needs the '${scope}' scope; the key has: ${principal.scopes.join(', ') || 'none'}`);
  }
  return principal;
}

/** Marks a route as acting for one tenant; `scope` is what the key must carry. */
export const TenantRoute = (scope?: Scope) =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    UseGuards(TenantAuthGuard),
    ApiBearerAuth('tenant-key'),
    ApiSecurity('qdrant-api-key'),
    ApiSecurity('hub-service'),
    ApiUnauthorizedResponse({ description: 'missing, unknown, revoked or expired key; wrong service key' }),
    ApiForbiddenResponse({ description: 'tenant suspended, or the key lacks the scope' }),
  );
