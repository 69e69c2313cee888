import { randomBytes } from 'crypto';
import type { ShardCut } from '@hivehub/shard';
import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError } from './backup-error';
import { BACKUP_FORMAT_VERSION, BackupManifest, dataKey, encodeManifest, manifestKey, sha256Hex } from './backup-manifest';
import { removeAttemptsExcept, removeUnder } from './storage-cleanup';
import { putVerified } from './verified-stream';
import { BackupProgress, ProgressReporter, TransferGroup } from './transfer-group';

export interface WriteBackupOptions {
  storage: ObjectStorage;
  /** `tenants/<tenantId>/backups/<backupId>` */
  prefix: string;
  cut: ShardCut;
  tenantId: string;
  backupId: string;
  signal?: AbortSignal;
  onProgress?: (progress: BackupProgress) => void;
}

export interface StoredBackup {
  manifest: BackupManifest;
  /** sha256 of manifest.json as stored. */
  manifestSha256: string;
  /** Every stored byte of the backup, manifest included. */
  sizeBytes: number;
}

/** A fresh folder per attempt, so a retry never mixes its objects with those of an attempt that died. */
export function newAttemptId(): string {
  return `attempt-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/**
 * Streams every file of the cut to `<prefix>/<attemptId>/<collection>/<path>`,
 * hashing on the way, then writes `<prefix>/manifest.json` last: until then the
 * backup does not exist. On failure or cancel, what this attempt stored is removed;
 * once the manifest is written, objects of earlier attempts are removed. The cut
 * is not released here: it is the caller's.
 */
export async function writeBackup(options: WriteBackupOptions): Promise<StoredBackup> {
  const { storage, prefix, cut } = options;
  const attemptId = newAttemptId();
  const files = cut.collections.flatMap((collection) => collection.files.map((file) => ({ collection: collection.name, file })));
  const totalBytes = files.reduce((sum, { file }) => sum + file.size, 0);
  const progress = new ProgressReporter(options.onProgress, 'upload', totalBytes);
  const group = new TransferGroup(options.signal);
  const digests = new Map<string, string>();
  try {
    await group.run(files, async ({ collection, file }) => {
      const what = `${collection}/${file.path}`;
      const sha256 = await putVerified(storage, dataKey(prefix, attemptId, collection, file.path), file.open(), { what, size: file.size, sha256: file.sha256 }, {
        onBytes: progress.add,
        track: group.track,
        signal: group.stopSignal,
      });
      digests.set(what, sha256);
    });
    group.check();
    progress.enter('manifest');
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT_VERSION,
      tenant_id: options.tenantId,
      backup_id: options.backupId,
      created_at: new Date().toISOString(),
      attempt_id: attemptId,
      collections: cut.collections.map((collection) => ({
        name: collection.name,
        dimension: collection.config.size,
        distance: collection.config.distance,
        hnsw: collection.config.hnsw,
        lsn: collection.lsn,
        points: collection.points,
        files: collection.files.map((file) => ({ path: file.path, size: file.size, sha256: digests.get(`${collection.name}/${file.path}`)! })),
      })),
      total_bytes: totalBytes,
    };
    const body = encodeManifest(manifest);
    await storage.put(manifestKey(prefix), body).catch((error) => {
      throw asBackupError(error, `storing ${manifestKey(prefix)}`);
    });
    await removeAttemptsExcept(storage, prefix, attemptId);
    return { manifest, manifestSha256: sha256Hex(body), sizeBytes: totalBytes + body.length };
  } catch (error) {
    await removeUnder(storage, `${prefix}/${attemptId}/`);
    throw asBackupError(error, 'writing the backup');
  } finally {
    progress.stop();
    group.dispose();
  }
}
