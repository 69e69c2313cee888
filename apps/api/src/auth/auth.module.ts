import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { AdminTokenService } from './admin-token.service';
import { CredentialCache } from './credential-cache';
import { TenantAuthGuard } from './tenant-auth.guard';
import { TenantAuthService } from './tenant-auth.service';

const providers = [AdminTokenService, AdminGuard, CredentialCache, TenantAuthService, TenantAuthGuard];

@Global()
@Module({ providers, exports: providers })
export class AuthModule {}
