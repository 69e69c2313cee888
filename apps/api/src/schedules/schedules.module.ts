import { Module } from '@nestjs/common';
import { ScheduleQueue } from '@hivehub/jobs';
import { BackupsModule } from '../backups/backups.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AdminBackupSchedulesController } from './admin-backup-schedules.controller';
import { BackupScheduleService } from './backup-schedule.service';
import { BackupSchedulesController } from './backup-schedules.controller';
import { RetentionService } from './retention.service';
import { RetentionSweeper } from './retention-sweeper.service';
import { ScheduleFiring } from './schedule-firing.service';
import { ScheduleSync } from './schedule-sync.service';
import { ScheduleTickConsumer } from './schedule-tick.consumer';
import { SchedulerRegistry } from './scheduler-registry.service';

@Module({
  imports: [BackupsModule, TenantsModule],
  controllers: [BackupSchedulesController, AdminBackupSchedulesController],
  providers: [
    ScheduleQueue,
    SchedulerRegistry,
    BackupScheduleService,
    ScheduleFiring,
    ScheduleTickConsumer,
    ScheduleSync,
    RetentionService,
    RetentionSweeper,
  ],
})
export class SchedulesModule {}
