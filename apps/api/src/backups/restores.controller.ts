import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { requestIdOf } from '../http/request-id';
import { restoreView } from './backup.views';
import { RestoreService } from './restore.service';

/** Restores started by POST /api/hub/backups/restore. */
@ApiTags('backups')
@TenantRoute('backup')
@Controller('api/hub/restores')
export class RestoresController {
  constructor(private readonly restores: RestoreService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One restore: status, phase, percent, bytes, restored collections, error, timings' })
  @ApiNotFoundResponse()
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return restoreView(await this.restores.get(p.tenant.id, id));
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a restore before it commits; live collections stay as they were' })
  @ApiConflictResponse({ description: 'the restore has finished or is committing' })
  async cancel(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: unknown) {
    return restoreView(await this.restores.cancel(p.tenant.id, id, { actor: actorOf(p), requestId: requestIdOf(req) }));
  }
}
