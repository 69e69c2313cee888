import { Module } from '@nestjs/common';
import { DataPlaneModule } from '../data-plane/data-plane.module';
import { NodesModule } from '../nodes/nodes.module';
import { BackupArchiveService } from './backup-archive.service';
import { BackupQueue } from './backup-queue.service';
import { BackupReconciler } from './backup-reconciler.service';
import { BackupService } from './backup.service';
import { BackupsController } from './backups.controller';
import { RestoreService } from './restore.service';
import { RestoresController } from './restores.controller';

@Module({
  imports: [DataPlaneModule, NodesModule],
  controllers: [BackupsController, RestoresController],
  providers: [BackupService, BackupArchiveService, RestoreService, BackupQueue, BackupReconciler],
  exports: [BackupService, BackupArchiveService],
})
export class BackupsModule {}
