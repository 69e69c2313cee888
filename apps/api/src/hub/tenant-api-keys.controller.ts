import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-request';
import { actorOf, CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { requestIdOf } from '../http/request-id';
import { ApiKeysService } from '../tenants/api-keys.service';
import { CreateApiKeyDto } from '../tenants/dto/create-api-key.dto';
import { apiKeyView } from '../tenants/views';

/** A tenant managing its own keys, with a key of scope `admin` (or the hub's service key). */
@ApiTags('hub')
@TenantRoute('admin')
@Controller('api/hub/api-keys')
export class TenantApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create a key for the acting tenant; the full key is shown this once only' })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApiKeyDto, @Req() req: HttpRequest) {
    const { row, key } = await this.apiKeys.create(p.tenant.id, dto, actorOf(p), requestIdOf(req));
    return { ...apiKeyView(row), key };
  }

  @Get()
  @ApiOperation({ summary: "List the acting tenant's keys" })
  async list(@CurrentPrincipal() p: Principal) {
    return { api_keys: (await this.apiKeys.list(p.tenant.id)).map((k) => apiKeyView(k)) };
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of the acting tenant’s keys' })
  async revoke(@CurrentPrincipal() p: Principal, @Param('keyId') keyId: string, @Req() req: HttpRequest) {
    await this.apiKeys.revoke(p.tenant.id, keyId, actorOf(p), requestIdOf(req));
  }
}
