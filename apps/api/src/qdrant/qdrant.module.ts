import { Module } from '@nestjs/common';
import { DataPlaneClient } from '../data-plane/data-plane.client';
import { DataPlaneModule } from '../data-plane/data-plane.module';
import { DataPlane } from './data-plane.port';
import { QdrantCollectionsController } from './qdrant-collections.controller';
import { QdrantCollectionsService } from './qdrant-collections.service';
import { QdrantPointsController } from './qdrant-points.controller';
import { QdrantPointsService } from './qdrant-points.service';
import { QdrantRootController } from './qdrant-root.controller';
import { QdrantSearchRoute } from './qdrant-search.route';
import { QdrantSearchService } from './qdrant-search.service';
import { QdrantUnsupportedController, QdrantUnsupportedRootController } from './qdrant-unsupported.controller';

/**
 * The tenant data API, Qdrant-compatible, at /collections and /qdrant/collections (plus /
 * and /stats). The search routes are QdrantSearchRoute, served ahead of Nest (main.ts).
 */
@Module({
  imports: [DataPlaneModule],
  controllers: [
    QdrantRootController,
    QdrantCollectionsController,
    QdrantPointsController,
    QdrantUnsupportedController,
    QdrantUnsupportedRootController,
  ],
  providers: [{ provide: DataPlane, useExisting: DataPlaneClient }, QdrantCollectionsService, QdrantPointsService, QdrantSearchService, QdrantSearchRoute],
})
export class QdrantModule {}
