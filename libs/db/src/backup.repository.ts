import { Injectable } from '@nestjs/common';
import { type Backup, BackupSource, BackupVerification, JobStatus, Prisma, TenantStatus } from './generated/prisma/client';
import { JobRows } from './job-rows';
import { PrismaService } from './prisma.service';

export type { Backup };
export { BackupSource, BackupVerification };

export interface NewBackup {
  id: string;
  name?: string | null;
  description?: string | null;
  source: BackupSource;
  scheduleId?: string | null;
  requestedCollections: string[];
  storagePrefix: string;
  nodeId: string | null;
  /** An upload is written by the api itself while it arrives: created running, not queued. */
  status?: typeof JobStatus.queued | typeof JobStatus.running;
}

/** What a finished backup records from its manifest. */
export interface BackupResult {
  collections: { name: string; dimension: number; distance: string; points: number; lsn: number }[];
  vectors: number;
  sizeBytes: number;
  sha256: string;
}

/** A verification's outcome as the row records it; `code` and `message` say why it failed. */
export type VerificationOutcome = { ok: true } | { ok: false; code: string; message: string };

/** Position in the newest-first listing: the last row of the previous page. */
export interface BackupCursor {
  createdAt: Date;
  id: string;
}

/** Backups that count against max_backups: all but the failed and cancelled ones. */
const KEPT: JobStatus[] = [JobStatus.queued, JobStatus.running, JobStatus.succeeded];

@Injectable()
export class BackupRepository {
  /** Status transitions shared with restores (claim, progress, finish, cancel). */
  readonly rows: JobRows<Backup>;

  constructor(private readonly prisma: PrismaService) {
    this.rows = new JobRows<Backup>(prisma.backup as never);
  }

  /**
   * Inserts the row unless the tenant already keeps `maxBackups` backups; null then.
   * A per-tenant advisory lock makes count-then-insert atomic across api processes.
   */
  async createWithinQuota(tenantId: string, backup: NewBackup, maxBackups: number): Promise<Backup | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`backups:${tenantId}`}, 0))`;
      const kept = await tx.backup.count({ where: { tenantId, status: { in: KEPT } } });
      if (kept >= maxBackups) return null;
      const running = backup.status === JobStatus.running;
      return tx.backup.create({ data: { ...backup, tenantId, ...(running ? { startedAt: new Date(), attempts: 1 } : {}) } });
    });
  }

  find(tenantId: string, id: string): Promise<Backup | null> {
    return this.rows.find(tenantId, id);
  }

  /** Newest first; `after` is the last row of the previous page. */
  list(tenantId: string, limit: number, after?: BackupCursor): Promise<Backup[]> {
    const older: Prisma.BackupWhereInput | undefined = after
      ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
      : undefined;
    return this.prisma.backup.findMany({
      where: { tenantId, ...(older ?? {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** Backups kept and the bytes they hold in storage (succeeded ones, by their size). */
  async usage(tenantId: string): Promise<{ count: number; bytes: number }> {
    const [count, sum] = await Promise.all([
      this.prisma.backup.count({ where: { tenantId, status: { in: KEPT } } }),
      this.prisma.backup.aggregate({ where: { tenantId, status: JobStatus.succeeded }, _sum: { sizeBytes: true } }),
    ]);
    return { count, bytes: Number(sum._sum.sizeBytes ?? 0n) };
  }

  succeed(tenantId: string, id: string, result: BackupResult): Promise<boolean> {
    return this.rows.succeed(tenantId, id, resultColumns(result));
  }

  /**
   * Records the latest verification of a succeeded backup; the backup's own status
   * never changes (a backup that fails verification stays succeeded, flagged). False
   * when the tenant has no such succeeded backup (deleted meanwhile).
   */
  async recordVerification(tenantId: string, id: string, outcome: VerificationOutcome, at = new Date()): Promise<boolean> {
    const { count } = await this.prisma.backup.updateMany({
      where: { tenantId, id, status: JobStatus.succeeded },
      data: outcome.ok
        ? { verification: BackupVerification.ok, verifiedAt: at, verificationCode: null, verificationMessage: null }
        : { verification: BackupVerification.failed, verifiedAt: at, verificationCode: outcome.code, verificationMessage: outcome.message },
    });
    return count > 0;
  }

  /**
   * Backups whose latest verification failed, across every tenant: an operator's
   * figure (the `hivehub_backups_verification_failed` gauge), hence not tenant-scoped.
   * Each backup keeps only its latest result, so a backup verified ok again, or
   * deleted, no longer counts; neither do those of deleted tenants (gone from every API).
   */
  countFailedVerifications(): Promise<number> {
    return this.prisma.backup.count({
      where: { status: JobStatus.succeeded, verification: BackupVerification.failed, tenant: { status: { not: TenantStatus.deleted } } },
    });
  }

  /** Forgets a row whose objects were never accepted (a refused upload). */
  async remove(tenantId: string, id: string): Promise<void> {
    await this.prisma.backup.deleteMany({ where: { tenantId, id } });
  }

  /** Removes a finished row; false when the tenant has no such row or it is still queued or running. */
  async deleteFinished(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.backup.deleteMany({ where: { tenantId, id, status: { notIn: [JobStatus.queued, JobStatus.running] } } });
    return count > 0;
  }

  /**
   * Cluster-wide, for metrics only: each live tenant's latest successful backup time.
   * Deleted tenants are left out, so their alerts end with them.
   */
  /** Backups of live data only: an upload restores nothing of the tenant's own, so it never counts as a fresh backup. */
  async lastSucceededPerTenant(): Promise<{ tenantId: string; finishedAt: Date }[]> {
    const groups = await this.prisma.backup.groupBy({
      by: ['tenantId'],
      where: { status: JobStatus.succeeded, source: BackupSource.backup, finishedAt: { not: null }, tenant: { deletedAt: null } },
      _max: { finishedAt: true },
    });
    return groups.map((g) => ({ tenantId: g.tenantId, finishedAt: g._max.finishedAt! }));
  }
}

function resultColumns(r: BackupResult) {
  return {
    collections: r.collections as unknown as Prisma.InputJsonValue,
    vectors: BigInt(r.vectors),
    sizeBytes: BigInt(r.sizeBytes),
    bytesDone: BigInt(r.sizeBytes),
    bytesTotal: BigInt(r.sizeBytes),
    sha256: r.sha256,
  };
}
