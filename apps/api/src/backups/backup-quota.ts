import { DomainError } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';

/**
 * The plan's max_storage_bytes covers "vectors, indexes and backups": a new backup
 * must fit beside the live data and the backups already kept. Its size is not known
 * before it runs, so the live bytes of the collections it takes stand in for it (the
 * same count the upsert quota uses: vectors at 4 bytes a dimension + payload JSON).
 */
export function assertBackupFits(tenant: Tenant, usage: { liveBytes: number; backupBytes: number }, estimate: number): void {
  const limit = Number(tenant.maxStorageBytes);
  const used = usage.liveBytes + usage.backupBytes;
  if (used + estimate > limit) {
    throw new DomainError(
      'quota_exceeded',
      `this backup (~${estimate} bytes) does not fit the plan's max_storage_bytes (${limit}): ${usage.liveBytes} bytes of live data and ${usage.backupBytes} bytes of backups are stored; delete backups or raise the limit`,
      { quota: 'max_storage_bytes', limit, used, needed: estimate },
    );
  }
}

/** Refusal when the tenant keeps max_backups already (failed and cancelled ones do not count). */
export function backupCountExceeded(tenant: Tenant): DomainError {
  return new DomainError(
    'quota_exceeded',
    `the plan keeps at most ${tenant.maxBackups} backups (max_backups); delete one before creating another`,
    { quota: 'max_backups', limit: tenant.maxBackups },
  );
}
