export type BackupErrorCode = 'checksum_mismatch' | 'bad_archive' | 'not_found' | 'cancelled' | 'storage' | 'too_large';

/**
 * What the backup/restore job needs to decide: `permanent` errors fail the job at
 * once (bad data, a cancel, a missing backup); the others are storage trouble the
 * job retries with backoff.
 */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export function cancelled(): BackupError {
  return new BackupError('cancelled', 'cancelled', true);
}

/** Anything that is not already a BackupError came from storage (or the disk): transient. */
export function asBackupError(error: unknown, doing: string): BackupError {
  if (error instanceof BackupError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BackupError('storage', `${doing}: ${message}`, false);
}

/** The storage port reports a missing object as an error with code 'not_found'. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'not_found';
}
