import { Injectable } from '@nestjs/common';
import { JobStatus, type Prisma, type Restore } from './generated/prisma/client';
import { JobRows, UNFINISHED } from './job-rows';
import { PrismaService } from './prisma.service';

export type { Restore };

export interface NewRestore {
  id: string;
  backupId: string;
  /** Collection names of the backup; empty = all of them. */
  collections: string[];
  targetPrefix: string;
  overwrite: boolean;
  nodeId: string | null;
}

export interface RestoredCollection {
  name: string;
  source: string;
  points: number;
}

/** The phase past which a restore can no longer be cancelled: it is swapping collections in. */
export const RESTORE_COMMIT_PHASE = 'committing';

@Injectable()
export class RestoreRepository {
  /** Status transitions shared with backups (claim, progress, finish, cancel). */
  readonly rows: JobRows<Restore>;

  constructor(private readonly prisma: PrismaService) {
    this.rows = new JobRows<Restore>(prisma.restore as never);
  }

  create(tenantId: string, restore: NewRestore): Promise<Restore> {
    return this.prisma.restore.create({ data: { ...restore, tenantId } });
  }

  find(tenantId: string, id: string): Promise<Restore | null> {
    return this.rows.find(tenantId, id);
  }

  /** Whether a restore of this backup is still queued or running (the backup must stay). */
  async anyUnfinishedOf(tenantId: string, backupId: string): Promise<boolean> {
    return (await this.prisma.restore.count({ where: { tenantId, backupId, status: { in: UNFINISHED } } })) > 0;
  }

  /** `bytes`: the size of the restored files, so a restore too quick for a progress beat still shows them. */
  succeed(tenantId: string, id: string, restored: RestoredCollection[], bytes: number): Promise<boolean> {
    return this.rows.succeed(tenantId, id, { restoredCollections: restored as unknown as Prisma.InputJsonValue, bytesDone: BigInt(bytes), bytesTotal: BigInt(bytes) });
  }

  requestCancel(tenantId: string, id: string): Promise<Restore | null> {
    return this.rows.requestCancel(tenantId, id, RESTORE_COMMIT_PHASE);
  }

  isTerminal(restore: Restore): boolean {
    return restore.status !== JobStatus.queued && restore.status !== JobStatus.running;
  }
}
