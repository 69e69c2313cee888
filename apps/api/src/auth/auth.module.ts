import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { AdminTokenService } from './admin-token.service';
import { TenantAuthGuard } from './tenant-auth.guard';
import { TenantAuthService } from './tenant-auth.service';

const providers = [AdminTokenService, AdminGuard, TenantAuthService, TenantAuthGuard];

@Global()
@Module({ providers, exports: providers })
export class AuthModule {}
