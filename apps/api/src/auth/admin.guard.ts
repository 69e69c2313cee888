import { applyDecorators, CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-request';
import { DomainError } from '@hivehub/common';
import { AdminTokenService } from './admin-token.service';
import { bearerToken } from './credentials';

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly adminToken: AdminTokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<HttpRequest>());
    if (!token) throw new DomainError('unauthorized', 'admin routes need Authorization: Bearer <admin token>');
    if (!this.adminToken.matches(token)) throw new DomainError('unauthorized', 'invalid admin token');
    return true;
  }
}

/** Marks a controller or route as operator-only. */
export const AdminOnly = () =>
  applyDecorators(
    UseGuards(AdminGuard),
    ApiBearerAuth('admin'),
    ApiUnauthorizedResponse({ description: 'missing or wrong admin token' }),
  );
