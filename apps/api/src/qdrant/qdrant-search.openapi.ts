import type { OpenAPIObject } from '@nestjs/swagger';
import { qdrantOkDescription } from './qdrant-controller.decorator';
import { QDRANT_COLLECTION_ROUTES } from './qdrant-envelope';

const SEARCH_FIELDS = '"filter"?, "offset"?, "with_payload"? (default false), "with_vector"?, "score_threshold"?, "params"?: {"hnsw_ef", "exact"}';

const ROUTES: { path: string; summary: string; description?: string; body: string; result: string }[] = [
  {
    path: 'points/search',
    summary: 'Nearest neighbours of a vector (Qdrant: search_points)',
    body: `{"vector", "limit", ${SEARCH_FIELDS}}`,
    result: '[ScoredPoint]',
  },
  {
    path: 'points/search/batch',
    summary: 'Several searches in one request (Qdrant: search_batch_points)',
    body: '{"searches": [SearchRequest]}',
    result: '[[ScoredPoint]]',
  },
  {
    path: 'points/query',
    summary: 'Query API (Qdrant: query_points)',
    description:
      '"query" is a vector or {"nearest": vector}; without it, points come in id order (score 1). Recommend, discover, fusion, order_by, prefetch and queries by point id are refused with 400.',
    body: `{"query"?, "limit"? (default 10), ${SEARCH_FIELDS}}`,
    result: '{"points": [ScoredPoint]}',
  },
  {
    path: 'points/query/batch',
    summary: 'Several Query API requests in one (Qdrant: query_batch_points)',
    body: '{"searches": [QueryRequest]}',
    result: '[{"points": [ScoredPoint]}]',
  },
];

/**
 * The search routes in the OpenAPI document. They are served ahead of Nest
 * (QdrantSearchRoute), so Swagger cannot see them in a controller; this describes them
 * as the controllers' decorators describe the other Qdrant routes.
 */
export function withQdrantSearchRoutes(document: OpenAPIObject): OpenAPIObject {
  for (const prefix of QDRANT_COLLECTION_ROUTES) {
    for (const route of ROUTES) {
      document.paths[`/${prefix}/{name}/${route.path}`] = {
        post: {
          tags: ['qdrant'],
          summary: route.summary,
          ...(route.description ? { description: route.description } : {}),
          parameters: [{ name: 'name', in: 'path', required: true, description: 'collection name', schema: { type: 'string' } }],
          requestBody: { required: true, description: route.body, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            200: { description: qdrantOkDescription(route.result) },
            401: { description: 'missing, unknown, revoked or expired key; wrong service key' },
            403: { description: 'tenant suspended, or the key lacks the read scope' },
          },
          security: [{ 'tenant-key': [] }, { 'qdrant-api-key': [] }, { 'hub-service': [] }],
        },
      };
    }
  }
  return document;
}
