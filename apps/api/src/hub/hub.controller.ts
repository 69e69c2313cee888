import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { header, type HttpRequest } from '../http/http-request';
import { DomainError } from '@hivehub/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantAuthService } from '../auth/tenant-auth.service';
import { presentedApiKey } from '../auth/credentials';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { UsageService } from './usage.service';

export class ValidateKeyDto {
  @ApiPropertyOptional({ description: 'the key to check; when absent, the credentials of the request are checked' })
  @IsOptional() @IsString() @Length(1, 256)
  key?: string;
}

class ValidateKeyResponse {
  @ApiProperty() valid: boolean;
  @ApiProperty() tenant: { id: string; name: string; status: string };
  @ApiProperty() scopes: string[];
  @ApiProperty({ nullable: true }) key_id: string | null;
  @ApiProperty({ enum: ['api_key', 'service'] }) via: string;
}

@ApiTags('hub')
@Controller('api/hub')
export class HubController {
  constructor(
    private readonly auth: TenantAuthService,
    private readonly usage: UsageService,
  ) {}

  @Post('validate-key')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which tenant and scopes a key grants; 401 for an unknown, revoked or expired key' })
  async validateKey(@Body() dto: ValidateKeyDto, @Req() req: HttpRequest): Promise<ValidateKeyResponse> {
    const serviceKey = header(req, 'x-hivehub-service');
    const key = dto.key ?? presentedApiKey(req);
    let principal: Principal;
    if (dto.key === undefined && serviceKey !== undefined) {
      principal = await this.auth.authenticateService(serviceKey, header(req, 'x-hivehub-user-id'));
    } else if (key) {
      principal = await this.auth.authenticateKey(key);
    } else {
      throw new DomainError('unauthorized', 'send {"key": "..."} or present a key as Authorization: Bearer <key>');
    }
    const { id, name, status } = principal.tenant;
    return { valid: true, tenant: { id, name, status }, scopes: principal.scopes, key_id: principal.keyId ?? null, via: principal.via };
  }

  @Get('usage')
  @TenantRoute()
  @ApiOperation({ summary: "The acting tenant's plan limits and current usage" })
  usageReport(@CurrentPrincipal() principal: Principal) {
    return this.usage.report(principal.tenant);
  }
}
