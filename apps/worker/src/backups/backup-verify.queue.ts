import { Injectable } from '@nestjs/common';
import { InjectConfig, type WorkerConfig } from '@hivehub/config';
import { JobProducer, verifyJobId } from '@hivehub/jobs';
import { NodeIdentity } from '../node/node-identity.provider';

/**
 * Enqueues the automatic verification of a backup this node just finished, on this
 * node's own queue. The worker does it rather than the api because only the worker
 * knows the moment a backup succeeds (the api would need a sweep of its own to find
 * out). It is safe to repeat: the job id is `verify-<backupId>`, so a second enqueue
 * while one waits or has run recently is a no-op.
 */
@Injectable()
export class BackupVerifyQueue {
  constructor(
    private readonly jobs: JobProducer,
    private readonly identity: NodeIdentity,
    @InjectConfig('worker') private readonly config: WorkerConfig,
  ) {}

  async afterBackup(backupId: string): Promise<void> {
    if (!this.config.verifyBackups) return;
    await this.jobs.enqueue(this.identity.id, 'backup.verify', { backupId }, { jobId: verifyJobId(backupId) });
  }
}
