import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { decodeTimeCursor, encodeTimeCursor, parseLimit } from '../http/pagination';
import { requestIdOf } from '../http/request-id';
import { requestStream } from '../http/request-stream';
import { BackupArchiveService } from './backup-archive.service';
import { BackupService } from './backup.service';
import { backupView, restoreView } from './backup.views';
import { CreateBackupDto } from './dto/create-backup.dto';
import { RestoreBackupDto } from './dto/restore-backup.dto';
import { RestoreService } from './restore.service';

const by = (p: Principal, req: unknown) => ({ actor: actorOf(p), requestId: requestIdOf(req) });

/** A tenant's backups (scope `backup`, or the hub's service key). */
@ApiTags('backups')
@TenantRoute('backup')
@Controller('api/hub/backups')
export class BackupsController {
  constructor(
    private readonly backups: BackupService,
    private readonly restores: RestoreService,
    private readonly archives: BackupArchiveService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Back up collections (["*"] for all): answers at once with the queued backup; poll it for progress' })
  @ApiAcceptedResponse({ description: 'the backup, status queued' })
  @ApiTooManyRequestsResponse({ description: 'max_backups or max_storage_bytes of the plan reached (error.details.quota names it)' })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateBackupDto, @Req() req: unknown) {
    return backupView(await this.backups.create(p.tenant, dto, by(p, req)));
  }

  @Get()
  @ApiOperation({ summary: "The acting tenant's backups, newest first" })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  async list(@CurrentPrincipal() p: Principal, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const take = parseLimit(limit, 50, 500);
    const page = await this.backups.list(p.tenant.id, take, decodeTimeCursor(cursor));
    return { backups: page.map(backupView), next_cursor: page.length === take ? encodeTimeCursor(page[page.length - 1]) : null };
  }

  @Post('upload')
  @ApiOperation({ summary: 'Import a backup.tar.gz (a download of any HiveHub): verified completely, then a backup of the acting tenant' })
  @ApiConsumes('application/gzip', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'the archive as the request body (curl --data-binary @backup.tar.gz)' })
  @ApiCreatedResponse({ description: 'the imported backup, status succeeded, source upload' })
  @ApiUnprocessableEntityResponse({ description: 'not a HiveHub backup archive (bad_archive) or a checksum that does not match (checksum_mismatch); nothing kept' })
  @ApiTooManyRequestsResponse({ description: 'max_backups or max_storage_bytes of the plan reached' })
  async upload(@CurrentPrincipal() p: Principal, @Req() req: unknown) {
    return backupView(await this.archives.upload(p.tenant, requestStream(req), by(p, req)));
  }

  @Post('restore')
  @HttpCode(202)
  @ApiOperation({ summary: 'Restore a backup (all or some collections, optionally under a prefix): answers with the queued restore' })
  @ApiAcceptedResponse({ description: 'the restore, status queued' })
  @ApiConflictResponse({ description: 'target collections exist and overwrite is false (error.details.collections names them), or the backup is not complete' })
  async restore(@CurrentPrincipal() p: Principal, @Body() dto: RestoreBackupDto, @Req() req: unknown) {
    return restoreView(await this.restores.create(p.tenant, dto, by(p, req)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One backup: status, phase, percent, bytes, collections, size, sha256, error, timings, verification' })
  @ApiNotFoundResponse()
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return backupView(await this.backups.get(p.tenant.id, id));
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'The backup as one backup.tar.gz (manifest.json first, then the shard files), streamed' })
  @ApiProduces('application/gzip')
  @ApiConflictResponse({ description: 'the backup has not succeeded' })
  async download(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    const stream = await this.archives.download(p.tenant.id, id);
    return new StreamableFile(stream, { type: 'application/gzip', disposition: 'attachment; filename="backup.tar.gz"' });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a finished backup: its objects in storage, then its record' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'the backup is queued or running (cancel it first) or being restored' })
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: unknown) {
    await this.archives.remove(p.tenant.id, id, by(p, req));
  }

  @Post(':id/verify')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Verify a succeeded backup again: restored into scratch space on a node (checksums, point counts, sampled searches); poll the backup for verification, verified_at and verification_error',
  })
  @ApiAcceptedResponse({ description: 'the backup as it is now; its verification fields change when the verification finishes' })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'the backup has not succeeded' })
  async verify(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: unknown) {
    return backupView(await this.backups.verify(p.tenant, id, by(p, req)));
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a queued or running backup; a running one stops within seconds and leaves nothing behind' })
  @ApiConflictResponse({ description: 'the backup has already finished' })
  async cancel(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: unknown) {
    return backupView(await this.backups.cancel(p.tenant.id, id, by(p, req)));
  }
}
