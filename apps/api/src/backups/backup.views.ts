import type { Backup, Restore } from '@hivehub/db';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The progress and outcome fields backups and restores share. */
function jobView(r: Backup | Restore) {
  return {
    status: r.status,
    phase: r.phase,
    percent: r.percent,
    bytes_done: Number(r.bytesDone),
    bytes_total: Number(r.bytesTotal),
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage } : null,
    cancel_requested: r.cancelRequested,
    attempts: r.attempts,
    created_at: r.createdAt.toISOString(),
    started_at: iso(r.startedAt),
    finished_at: iso(r.finishedAt),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** A backup as the tenant sees it; the storage prefix and node stay internal. */
export function backupView(b: Backup) {
  return {
    id: b.id,
    name: b.name,
    description: b.description,
    source: b.source,
    schedule_id: b.scheduleId,
    requested_collections: b.requestedCollections,
    collections: b.collections,
    vectors: Number(b.vectors),
    size_bytes: Number(b.sizeBytes),
    sha256: b.sha256,
    verification: b.verification,
    verified_at: iso(b.verifiedAt),
    verification_error: b.verification === 'failed' ? { code: b.verificationCode, message: b.verificationMessage } : null,
    ...jobView(b),
  };
}

export function restoreView(r: Restore) {
  return {
    id: r.id,
    backup_id: r.backupId,
    collections: r.collections,
    target_prefix: r.targetPrefix,
    overwrite: r.overwrite,
    restored_collections: r.restoredCollections,
    ...jobView(r),
  };
}
