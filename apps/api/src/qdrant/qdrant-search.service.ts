import { Injectable } from '@nestjs/common';
import { RawJson } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import { packVector, type SearchRequest } from '@hivehub/shard';
import { DataPlane } from './data-plane.port';
import { SearchLanes } from './search-lanes';
import { scrolledAsScored } from './qdrant-views';
import { assertCouldExist } from './schemas/collection-name';
import type { QueryPlan } from './schemas/search.schema';

/**
 * Vector search and Qdrant's Query API, served by the shard's search and scroll. Query
 * vectors travel to the node packed (PackedVector): printing and parsing them as JSON
 * numbers again cost more than the search at 768 dimensions. Searches go through
 * SearchLanes, which joins a tenant's concurrent searches of a collection into one
 * node call. Points come back as the JSON text the node printed (RawJson, one per
 * search's list), which the route writes into its answer as it is: the api does not
 * parse the node's results only to print them again.
 */
@Injectable()
export class QdrantSearchService {
  private readonly lanes: SearchLanes;

  constructor(private readonly dataPlane: DataPlane) {
    this.lanes = new SearchLanes(dataPlane);
  }

  async search(tenant: Tenant, collection: string, request: SearchRequest): Promise<RawJson> {
    const [points] = await this.searchBatch(tenant, collection, [request]);
    return points;
  }

  searchBatch(tenant: Tenant, collection: string, requests: SearchRequest[]): Promise<RawJson[]> {
    assertCouldExist(collection);
    if (requests.length === 0) return Promise.resolve([]);
    return this.lanes.search(tenant, collection, requests.map(packed));
  }

  async query(tenant: Tenant, collection: string, plan: QueryPlan): Promise<{ points: RawJson }> {
    const [points] = await this.queryBatch(tenant, collection, [plan]);
    return points;
  }

  /** Nearest queries go to the node as one search batch; queries without a vector are scrolls. */
  async queryBatch(tenant: Tenant, collection: string, plans: QueryPlan[]): Promise<{ points: RawJson }[]> {
    assertCouldExist(collection);
    const nearest = plans.flatMap((p) => (p.kind === 'nearest' ? [packed(p.request)] : []));
    const [searched, scrolled] = await Promise.all([
      nearest.length === 0 ? [] : this.lanes.search(tenant, collection, nearest),
      Promise.all(
        plans.map((p) =>
          p.kind === 'scroll'
            ? this.dataPlane
                .call(tenant, 'scroll', { collection, request: p.request })
                .then(({ points }) => RawJson.of(scrolledAsScored(points.slice(p.offset, p.offset + p.limit))))
            : null,
        ),
      ),
    ]);
    let next = 0;
    return plans.map((p, i) => ({ points: p.kind === 'nearest' ? searched[next++] : scrolled[i]! }));
  }
}

function packed(request: SearchRequest): SearchRequest {
  return { ...request, vector: packVector(request.vector as number[]) };
}
