import { Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createMetricsRegistry } from '@hivehub/common';
import { NodesModule } from '../nodes/nodes.module';
import { ClusterMetrics } from './cluster-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';

/**
 * `GET /metrics`: this process's metrics plus the cluster's state as PostgreSQL and Redis
 * know it. Global so routes served ahead of Fastify can time themselves with HttpMetrics.
 */
@Global()
@Module({
  imports: [NodesModule],
  controllers: [MetricsController],
  providers: [{ provide: Registry, useFactory: createMetricsRegistry }, HttpMetrics, ClusterMetrics],
  exports: [HttpMetrics],
})
export class MetricsModule {}
