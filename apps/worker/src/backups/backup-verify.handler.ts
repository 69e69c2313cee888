import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { verifyBackup } from '@hivehub/backup';
import { BackupRepository, type VerificationOutcome } from '@hivehub/db';
import { JobHandler, type JobContext, type JobHandlerClass, type JobPayload } from '@hivehub/jobs';
import { OBJECT_STORAGE, type ObjectStorage } from '@hivehub/storage';
import { NodeIdentity } from '../node/node-identity.provider';

/** How long a verification waits when another one is running on this node. */
const BUSY_RETRY_MS = 2000;

/**
 * Verifies a succeeded backup by restoring it into scratch space under the node's
 * data dir (never the live shard, so it holds no shard lock) and records the outcome
 * on the row. A damaged backup is an outcome (`failed` with a code), and the backup's
 * own status stays `succeeded`; storage trouble is thrown so BullMQ retries, and a
 * backup whose storage stays unreachable through every attempt stays unverified.
 */
@Injectable()
@JobHandler('backup.verify')
export class BackupVerifyHandler implements JobHandlerClass<'backup.verify'>, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('backups');
  /** A verification loads whole collections into memory: one at a time per node. */
  private running = false;
  /**
   * Aborted at shutdown: the job runner waits for active jobs, and a long verification
   * should not hold a node's stop. The aborted attempt throws, so BullMQ runs it again.
   */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly backups: BackupRepository,
    private readonly identity: NodeIdentity,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  private get scratchRoot(): string {
    return path.join(this.identity.dataDir, 'verify-scratch');
  }

  /** What a killed worker's verification left behind (one worker process owns a data dir). */
  async onModuleInit(): Promise<void> {
    await fs.rm(this.scratchRoot, { recursive: true, force: true });
  }

  onModuleDestroy(): void {
    this.shutdown.abort();
  }

  async handle({ backupId }: JobPayload<'backup.verify'>, context: JobContext) {
    // Read before the tenant is known, like a backup job: the row's tenant scopes the write below.
    const row = await this.backups.rows.peek(backupId);
    if (!row || row.status !== 'succeeded') return { status: row ? `not verified: backup ${row.status}` : 'gone' };
    if (this.running) return context.postpone(BUSY_RETRY_MS);
    this.running = true;
    try {
      const outcome = await this.verify(row.storagePrefix, row.sha256, backupId);
      const recorded = await this.backups.recordVerification(row.tenantId, row.id, outcome);
      if (!outcome.ok) this.logger.warn(`backup ${backupId} of tenant ${row.tenantId} failed verification: ${outcome.code}: ${outcome.message}`);
      return { status: recorded ? (outcome.ok ? 'ok' : 'failed') : 'gone' };
    } catch (err) {
      if (context.attempt >= context.maxAttempts) this.logger.warn(`backup ${backupId} stays unverified: ${(err as Error).message}`);
      throw err;
    } finally {
      this.running = false;
    }
  }

  private async verify(prefix: string, sha256: string | null, backupId: string): Promise<VerificationOutcome> {
    if (!sha256) return { ok: false, code: 'missing', message: 'no manifest sha256 was recorded for this backup' };
    const scratchDir = path.join(this.scratchRoot, `${backupId}-${randomBytes(4).toString('hex')}`);
    const result = await verifyBackup({ storage: this.storage, prefix, expectedManifestSha256: sha256, scratchDir, signal: this.shutdown.signal });
    return result.ok ? { ok: true } : { ok: false, code: result.code, message: result.message };
  }
}
