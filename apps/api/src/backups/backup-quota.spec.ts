import { DomainError } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import { assertBackupFits, backupCountExceeded } from './backup-quota';

const tenant = { maxStorageBytes: 1000n, maxBackups: 3 } as Tenant;

describe('backup quotas', () => {
  it('lets a backup in while live data, kept backups and its estimate fit the plan', () => {
    expect(() => assertBackupFits(tenant, { liveBytes: 400, backupBytes: 200 }, 400)).not.toThrow();
  });

  it('refuses one byte over with a 429 naming the quota', () => {
    try {
      assertBackupFits(tenant, { liveBytes: 400, backupBytes: 201 }, 400);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).status).toBe(429);
      expect((err as DomainError).details).toMatchObject({ quota: 'max_storage_bytes', limit: 1000, used: 601, needed: 400 });
    }
  });

  it('names max_backups when the count is full', () => {
    const err = backupCountExceeded(tenant);
    expect(err.status).toBe(429);
    expect(err.message).toContain('at most 3 backups');
    expect(err.details).toEqual({ quota: 'max_backups', limit: 3 });
  });
});
