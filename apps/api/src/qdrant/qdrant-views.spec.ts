import { HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, type ErrorCode } from '@hivehub/common';
import type { CollectionInfo } from '@hivehub/shard';
import { isQdrantPath, qdrantErrorReply } from './qdrant-error';
import { collectionInfoView, scrolledAsScored, statsView } from './qdrant-views';

const info = (name: string, points: number, size = 4): CollectionInfo => ({
  name,
  status: 'green',
  config: { size, distance: 'Cosine', hnsw: { m: 16, ef_construct: 100, ef: 64 } },
  points_count: points,
  lsn: 9,
  segments_count: 2,
  stored_bytes: points * size * 4,
});

describe('collection info in Qdrant shape', () => {
  it('reports counts, vector params and hnsw config where Qdrant clients read them', () => {
    const view = collectionInfoView(info('docs', 5));
    expect(view).toMatchObject({
      status: 'green',
      optimizer_status: 'ok',
      points_count: 5,
      vectors_count: 5,
      indexed_vectors_count: 5,
      segments_count: 2,
      config: { params: { vectors: { size: 4, distance: 'Cosine' } }, hnsw_config: { m: 16, ef_construct: 100 } },
      payload_schema: {},
    });
    expect(view.config.optimizer_config.flush_interval_sec).toEqual(expect.any(Number));
    expect(view.config.hnsw_config.full_scan_threshold).toEqual(expect.any(Number));
  });

  it('sums a tenant\'s collections for /stats', () => {
    expect(statsView([info('a', 3, 4), info('b', 4, 8)])).toEqual({
      collections: [
        { name: 'a', vectors_count: 3, dimension: 4, distance: 'Cosine' },
        { name: 'b', vectors_count: 4, dimension: 8, distance: 'Cosine' },
      ],
      total_collections: 2,
      total_vectors: 7,
    });
    expect(statsView([])).toEqual({ collections: [], total_collections: 0, total_vectors: 0 });
  });

  it('gives scrolled points score 1 and version 0, as Qdrant does for a query without a vector', () => {
    expect(scrolledAsScored([{ id: 1, payload: { a: 1 } }, { id: 2, vector: [1] }])).toEqual([
      { id: 1, version: 0, score: 1, payload: { a: 1 } },
      { id: 2, version: 0, score: 1, vector: [1] },
    ]);
  });
});

describe("errors in Qdrant's envelope", () => {
  it.each<[ErrorCode, number]>([
    ['bad_request', 400],
    ['invalid_json', 400],
    ['validation_failed', 422],
    ['unauthorized', 401],
    ['invalid_api_key', 401],
    ['invalid_service_key', 401],
    ['unknown_tenant', 401],
    ['forbidden', 403],
    ['insufficient_scope', 403],
    ['tenant_suspended', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['payload_too_large', 413],
    ['quota_exceeded', 429],
    ['unavailable', 503],
    ['timeout', 504],
    ['internal', 500],
  ])('%s is %i with the message', (code, status) => {
    expect(qdrantErrorReply(new DomainError(code, `because ${code}`), 0.25)).toEqual({ status, body: { status: { error: `because ${code}` }, time: 0.25 } });
  });

  it('keeps HTTP exceptions\' status and hides anything else behind a 500', () => {
    expect(qdrantErrorReply(new NotFoundException('Cannot GET /x')).body.status.error).toBe('Cannot GET /x');
    expect(qdrantErrorReply(new HttpException('slow down', 429)).status).toBe(429);
    const unexpected = qdrantErrorReply(new TypeError('secret internals'));
    expect(unexpected.status).toBe(500);
    expect(unexpected.body.status.error).not.toContain('secret');
    expect(unexpected.body.time).toBe(0);
  });

  it('recognises the Qdrant paths for the global filter', () => {
    for (const path of ['/collections', '/collections/a/points?wait=true', '/qdrant/collections/a']) expect(isQdrantPath(path)).toBe(true);
    for (const path of ['/', '/stats', '/collectionsx', '/api/hub/usage', '/qdrant']) expect(isQdrantPath(path)).toBe(false);
  });
});
