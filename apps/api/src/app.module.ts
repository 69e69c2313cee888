import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule } from '@hivehub/config';
import { DbModule } from '@hivehub/db';
import { StorageModule } from '@hivehub/storage';
import { AuthModule } from './auth/auth.module';
import { BackupsModule } from './backups/backups.module';
import { DataPlaneModule } from './data-plane/data-plane.module';
import type { ApiSettings } from './settings';
import { HealthModule } from './health/health.module';
import { ErrorFilter } from './http/error.filter';
import { HubModule } from './hub/hub.module';
import { MetricsModule } from './metrics/metrics.module';
import { NodesModule } from './nodes/nodes.module';
import { QdrantModule } from './qdrant/qdrant.module';
import { SchedulesModule } from './schedules/schedules.module';
import { TenantsModule } from './tenants/tenants.module';

@Module({})
export class AppModule {
  static with(settings: ApiSettings) {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(settings),
        DbModule,
        StorageModule,
        AuthModule,
        TenantsModule,
        HubModule,
        NodesModule,
        DataPlaneModule,
        QdrantModule,
        BackupsModule,
        SchedulesModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorFilter }],
    };
  }
}
