import { Module } from '@nestjs/common';
import { NodesModule } from '../nodes/nodes.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({ imports: [NodesModule], controllers: [HealthController], providers: [ReadinessService] })
export class HealthModule {}
