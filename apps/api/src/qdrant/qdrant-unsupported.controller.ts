import { All, Controller, Get, Patch, Post, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@hivehub/common';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { QDRANT_COLLECTION_ROUTES } from './qdrant-envelope';
import { QdrantErrorFilter } from './qdrant-error.filter';

const refuse = (message: string): never => {
  throw new DomainError('bad_request', message);
};

const SNAPSHOTS = "Qdrant's snapshots are not supported: HiveHub's backups take their place (POST /api/hub/backups, then restore with POST /api/hub/backups/restore)";
const ALIASES = 'collection aliases are not supported: address collections by their names';

/**
 * Qdrant routes HiveHub does not serve, answered with a 400 that says so and what to
 * do instead (rather than a bare "Cannot POST"), so a client's error names the gap.
 * Checked like every tenant route: a wrong key is still a 401. Paths no supported
 * route uses take every method; the others name theirs.
 */
@ApiExcludeController()
@Controller(QDRANT_COLLECTION_ROUTES)
@UseFilters(QdrantErrorFilter)
export class QdrantUnsupportedController {
  @All([':name/index', ':name/index/:field'])
  @TenantRoute()
  payloadIndex() {
    return refuse('creating payload indexes is not supported: HiveHub indexes a key by itself the first time a filter matches values on it (up to 4 keys a collection)');
  }

  @All([':name/points/payload', ':name/points/payload/delete', ':name/points/payload/clear'])
  @TenantRoute()
  payloadUpdate() {
    return refuse('payload-only updates are not supported: upsert the point again with its new payload (PUT /collections/{name}/points)');
  }

  @All([':name/points/vectors', ':name/points/vectors/delete'])
  @TenantRoute()
  vectorUpdate() {
    return refuse('vector-only updates are not supported: upsert the point again with its new vector and payload (PUT /collections/{name}/points)');
  }

  @Post(':name/points/batch')
  @TenantRoute()
  batchUpdate() {
    return refuse('the batch update API is not supported: send each upsert or delete to its own route');
  }

  @Post([
    ':name/points/recommend',
    ':name/points/recommend/batch',
    ':name/points/recommend/groups',
    ':name/points/discover',
    ':name/points/discover/batch',
    ':name/points/search/groups',
    ':name/points/query/groups',
    ':name/points/search/matrix/pairs',
    ':name/points/search/matrix/offsets',
  ])
  @TenantRoute()
  otherQueries() {
    return refuse('recommend, discover, grouped and matrix queries are not supported: query by a vector (POST /collections/{name}/points/query)');
  }

  @Post(':name/facet')
  @TenantRoute()
  facet() {
    return refuse('facet counts are not supported: count the points matching a filter (POST /collections/{name}/points/count)');
  }

  @Patch(':name')
  @TenantRoute()
  updateCollection() {
    return refuse("changing a collection's parameters is not supported: create a new collection and upsert into it");
  }

  @All(':name/vectors/:vector')
  @TenantRoute()
  namedVectors() {
    return refuse('named vectors are not supported: a collection has one unnamed vector');
  }

  @All(':name/aliases')
  @TenantRoute()
  collectionAliases() {
    return refuse(ALIASES);
  }

  /** POST only: GET /collections/aliases reads a collection named "aliases". */
  @Post('aliases')
  @TenantRoute()
  updateAliases() {
    return refuse(ALIASES);
  }

  @All([':name/snapshots', ':name/snapshots/recover', ':name/snapshots/upload', ':name/snapshots/:snapshot', ':name/shards/:shard/snapshot', ':name/shards/:shard/snapshots', ':name/shards/:shard/snapshots/:snapshot'])
  @TenantRoute()
  snapshots() {
    return refuse(SNAPSHOTS);
  }

  @All([':name/cluster', ':name/shards', ':name/shards/delete'])
  @TenantRoute()
  cluster() {
    return refuse("cluster and shard management is not supported: HiveHub places each tenant's shard itself");
  }
}

/** The same for Qdrant's routes outside /collections. */
@ApiExcludeController()
@Controller()
@UseFilters(QdrantErrorFilter)
export class QdrantUnsupportedRootController {
  @Get(['aliases', 'qdrant/aliases'])
  @TenantRoute()
  aliases() {
    return refuse(ALIASES);
  }

  @All(['snapshots', 'qdrant/snapshots', 'snapshots/:snapshot', 'qdrant/snapshots/:snapshot'])
  @TenantRoute()
  snapshots() {
    return refuse(SNAPSHOTS);
  }
}
