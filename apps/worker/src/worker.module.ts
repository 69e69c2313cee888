import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigModule } from '@hivehub/config';
import { DbModule } from '@hivehub/db';
import { StorageModule } from '@hivehub/storage';
import { JOB_HANDLER_METADATA, JOB_NAMES, JobProducer } from '@hivehub/jobs';
import { Registry } from 'prom-client';
import { createMetricsRegistry } from '@hivehub/common';
import { BackupCreateHandler } from './backups/backup-create.handler';
import { BackupMetrics } from './backups/backup-metrics';
import { BackupVerifyHandler } from './backups/backup-verify.handler';
import { BackupVerifyQueue } from './backups/backup-verify.queue';
import { RestoreRunHandler } from './backups/restore-run.handler';
import { RowJobRunner } from './backups/row-job-runner';
import { ShardJobLocks } from './backups/shard-job-locks';
import { InternalHealthController } from './internal-health.controller';
import { handlerProblems } from './jobs/handler-check';
import { JobRunner } from './jobs/job-runner.service';
import { NodePingHandler } from './jobs/node-ping.handler';
import { InternalMetricsController } from './metrics/internal-metrics.controller';
import { NodeIdentity } from './node/node-identity.provider';
import { NodeRegistration } from './node/node-registration.service';
import { InternalShardsRoute } from './shards/internal-shards.route';
import { NodeToken } from './shards/node-token';
import { ShardHost } from './shards/shard-host.service';
import type { WorkerSettings } from './settings';

/** Job handlers: one class per job name in libs/jobs (checked by `with`, before anything connects). */
export const JOB_HANDLERS = [NodePingHandler, BackupCreateHandler, RestoreRunHandler, BackupVerifyHandler];

@Module({})
export class WorkerModule {
  static with(settings: WorkerSettings, handlers: unknown[] = JOB_HANDLERS) {
    const handled = handlers.map((h) => Reflect.getMetadata(JOB_HANDLER_METADATA, h as object) as string | undefined);
    const problems = handlerProblems(JOB_NAMES, handled.filter((name): name is string => typeof name === 'string'));
    if (problems.length > 0) throw new Error(`job handlers are incomplete: ${problems.join('; ')}`);
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(settings), DbModule, StorageModule, DiscoveryModule],
      controllers: [InternalHealthController, InternalMetricsController],
      providers: [
        { provide: NodeIdentity, useValue: NodeIdentity.resolve(settings.worker) },
        { provide: Registry, useFactory: createMetricsRegistry },
        NodeRegistration,
        JobRunner,
        ShardHost,
        NodeToken,
        InternalShardsRoute,
        RowJobRunner,
        BackupMetrics,
        ShardJobLocks,
        // The worker enqueues the verification of each backup it finishes (BackupVerifyQueue).
        JobProducer,
        BackupVerifyQueue,
        ...(handlers as never[]),
      ],
    };
  }
}
