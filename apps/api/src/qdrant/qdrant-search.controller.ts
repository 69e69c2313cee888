import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { TenantRoute } from '../auth/tenant-auth.guard';
import { Envelope, type Enveloper } from './qdrant-envelope';
import { CollectionParam, QdrantBody, QdrantController, QdrantResult } from './qdrant-controller.decorator';
import { QdrantSearchService } from './qdrant-search.service';
import { parseWith } from './schemas/parse';
import { queryBatchSchema, querySchema, searchBatchSchema, searchSchema } from './schemas/search.schema';

const SEARCH_FIELDS = '"filter"?, "offset"?, "with_payload"? (default false), "with_vector"?, "score_threshold"?, "params"?: {"hnsw_ef", "exact"}';

@QdrantController()
export class QdrantSearchController {
  constructor(private readonly search: QdrantSearchService) {}

  @Post(':name/points/search')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Nearest neighbours of a vector (Qdrant: search_points)' })
  @QdrantBody(`{"vector", "limit", ${SEARCH_FIELDS}}`)
  @QdrantResult('[ScoredPoint]')
  searchPoints(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.search.search(principal.tenant, name, parseWith(searchSchema, body)));
  }

  @Post(':name/points/search/batch')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Several searches in one request (Qdrant: search_batch_points)' })
  @QdrantBody('{"searches": [SearchRequest]}')
  @QdrantResult('[[ScoredPoint]]')
  searchBatch(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.search.searchBatch(principal.tenant, name, parseWith(searchBatchSchema, body)));
  }

  @Post(':name/points/query')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({
    summary: 'Query API (Qdrant: query_points)',
    description:
      '"query" is a vector or {"nearest": vector}; without it, points come in id order (score 1). Recommend, discover, fusion, order_by, prefetch and queries by point id are refused with 400.',
  })
  @QdrantBody(`{"query"?, "limit"? (default 10), ${SEARCH_FIELDS}}`)
  @QdrantResult('{"points": [ScoredPoint]}')
  query(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.search.query(principal.tenant, name, parseWith(querySchema, body)));
  }

  @Post(':name/points/query/batch')
  @HttpCode(200)
  @TenantRoute('read')
  @CollectionParam()
  @ApiOperation({ summary: 'Several Query API requests in one (Qdrant: query_batch_points)' })
  @QdrantBody('{"searches": [QueryRequest]}')
  @QdrantResult('[{"points": [ScoredPoint]}]')
  queryBatch(@Envelope() ok: Enveloper, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    return ok(this.search.queryBatch(principal.tenant, name, parseWith(queryBatchSchema, body)));
  }
}
