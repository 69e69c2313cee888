import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-request';
import { AdminOnly } from '../auth/admin.guard';
import { requestIdOf } from '../http/request-id';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { apiKeyView } from './views';

@ApiTags('admin: API keys')
@AdminOnly()
@ApiNotFoundResponse({ description: 'no such tenant or key' })
@Controller('admin/tenants/:tenantId/api-keys')
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create a key; the response holds the full key, shown this once only' })
  async create(@Param('tenantId') tenantId: string, @Body() dto: CreateApiKeyDto, @Req() req: HttpRequest) {
    const { row, key } = await this.apiKeys.create(tenantId, dto, 'admin', requestIdOf(req));
    return { ...apiKeyView(row), key };
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's keys (never their secrets)" })
  async list(@Param('tenantId') tenantId: string) {
    return { api_keys: (await this.apiKeys.list(tenantId)).map((k) => apiKeyView(k)) };
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key: it fails with 401 from now on' })
  async revoke(@Param('tenantId') tenantId: string, @Param('keyId') keyId: string, @Req() req: HttpRequest) {
    await this.apiKeys.revoke(tenantId, keyId, 'admin', requestIdOf(req));
  }
}
