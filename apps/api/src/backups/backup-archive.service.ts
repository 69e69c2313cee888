import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { archiveStream, BackupError, deleteBackup, importArchive } from '@hivehub/backup';
import { DomainError, type ErrorCode } from '@hivehub/common';
import { AuditRepository, type Backup, BackupRepository, BackupSource, RestoreRepository, type Tenant } from '@hivehub/db';
import { OBJECT_STORAGE, type ObjectStorage } from '@hivehub/storage';
import { backupCountExceeded } from './backup-quota';
import { type Actor, backupPrefix, BackupService } from './backup.service';

/** How often a running upload refreshes its row, so the reconciler knows this process still writes it. */
const UPLOAD_BEAT_MS = 1000;

const UPLOAD_ERROR: Record<string, ErrorCode> = {
  bad_archive: 'bad_archive',
  checksum_mismatch: 'checksum_mismatch',
  not_found: 'bad_archive',
  too_large: 'quota_exceeded',
  cancelled: 'bad_request',
  storage: 'unavailable',
};

/**
 * A backup's objects in storage. Backups as files: the download streams the stored objects as one tar.gz, the upload
 * imports such an archive as a new backup of the uploader (the tenant id inside it
 * grants nothing). An upload is verified completely before its row says succeeded;
 * a refused one leaves no row and no objects.
 */
@Injectable()
export class BackupArchiveService {
  private readonly logger = new Logger('backups');

  constructor(
    private readonly backups: BackupRepository,
    private readonly restores: RestoreRepository,
    private readonly service: BackupService,
    private readonly audit: AuditRepository,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  async download(tenantId: string, id: string): Promise<Readable> {
    const row = await this.service.get(tenantId, id);
    if (row.status !== 'succeeded') throw new DomainError('conflict', `backup ${id} is ${row.status}; only a succeeded backup can be downloaded`);
    const stream = archiveStream(this.storage, row.storagePrefix);
    return stream instanceof Readable ? stream : new Readable().wrap(stream);
  }

  async upload(tenant: Tenant, body: Readable, by: Actor): Promise<Backup> {
    const room = Number(tenant.maxStorageBytes) - (await this.service.storageInUse(tenant));
    if (room <= 0) throw new DomainError('quota_exceeded', `no room left under the plan's max_storage_bytes (${tenant.maxStorageBytes})`, { quota: 'max_storage_bytes' });
    const id = randomUUID();
    const prefix = backupPrefix(tenant.id, id);
    const row = await this.backups.createWithinQuota(
      tenant.id,
      { id, source: BackupSource.upload, requestedCollections: ['*'], storagePrefix: prefix, nodeId: null, status: 'running' },
      tenant.maxBackups,
    );
    if (!row) throw backupCountExceeded(tenant);
    const counted = this.counting(body, tenant.id, id);
    try {
      const stored = await importArchive({ stream: counted.stream, storage: this.storage, prefix, tenantId: tenant.id, backupId: id, maxBytes: room });
      const collections = stored.manifest.collections.map((c) => ({ name: c.name, dimension: c.dimension, distance: c.distance, points: c.points, lsn: c.lsn }));
      await this.backups.succeed(tenant.id, id, { collections, vectors: collections.reduce((s, c) => s + c.points, 0), sizeBytes: stored.sizeBytes, sha256: stored.manifestSha256 });
    } catch (err) {
      counted.drain();
      try {
        await deleteBackup(this.storage, prefix);
        await this.backups.remove(tenant.id, id);
      } catch (cleanupErr) {
        // The row stays running; the reconciler fails it, and DELETE removes its objects later.
        this.logger.warn(`upload ${id}: cleanup failed: ${(cleanupErr as Error).message}`);
      }
      throw uploadRefusal(err, room);
    } finally {
      counted.stop();
    }
    await this.audit.record(tenant.id, { ...by, action: 'backup.uploaded', target: id });
    return this.service.get(tenant.id, id);
  }

  /**
   * Deletes a finished backup: objects first (manifest first among them, so a half
   * deleted backup no longer exists), then the row. A queued or running one must be
   * cancelled first; one being restored stays until the restore ends.
   */
  async remove(tenantId: string, id: string, by: Actor): Promise<void> {
    const row = await this.service.get(tenantId, id);
    if (row.status === 'queued' || row.status === 'running') {
      throw new DomainError('conflict', `backup ${id} is ${row.status}; cancel it before deleting it`);
    }
    if (await this.restores.anyUnfinishedOf(tenantId, id)) {
      throw new DomainError('conflict', `backup ${id} is being restored; delete it once the restore has finished`);
    }
    await deleteBackup(this.storage, row.storagePrefix);
    await this.backups.deleteFinished(tenantId, id);
    await this.audit.record(tenantId, { ...by, action: 'backup.deleted', target: id });
  }

  /** Passes the body through, writing the bytes received to the row once a second. */
  private counting(body: Readable, tenantId: string, id: string) {
    let received = 0;
    const stream = new PassThrough();
    body.on('data', (chunk: Buffer) => (received += chunk.length));
    body.on('error', (err) => stream.destroy(err));
    body.on('aborted', () => stream.destroy(new Error('the client closed the connection during the upload')));
    body.pipe(stream);
    // Advisory, like a worker's progress: a missed beat is made up by the next one.
    const beat = () => this.backups.rows.progress(tenantId, id, { phase: 'receiving', bytesDone: received }).catch(() => undefined);
    const timer = setInterval(() => void beat(), UPLOAD_BEAT_MS);
    return {
      stream,
      stop: () => clearInterval(timer),
      /** Reads and drops what the client still sends after a refusal, so the answer reaches it. */
      drain: () => {
        body.unpipe(stream);
        body.resume();
      },
    };
  }
}

function uploadRefusal(err: unknown, room: number): unknown {
  if (!(err instanceof BackupError)) return err;
  const code = UPLOAD_ERROR[err.code] ?? 'bad_request';
  const message = err.code === 'too_large' ? `the archive does not fit the plan's max_storage_bytes (${room} bytes left): ${err.message}` : err.message;
  return new DomainError(code, message, { reason: err.code });
}
