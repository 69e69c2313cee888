import { domainFailure } from '../testing/domain-failure';
import { parseWith } from './parse';
import { queryBatchSchema, querySchema, searchBatchSchema, searchSchema } from './search.schema';

const failure = domainFailure;

const filter = { must: [{ key: 'city', match: { value: 'Berlin' } }] };

describe('search body', () => {
  it("becomes the shard's search request with Qdrant's defaults", () => {
    expect(parseWith(searchSchema, { vector: [1, 0], limit: 3 })).toEqual({ vector: [1, 0], limit: 3, offset: 0, with_payload: false, with_vector: false });
    expect(
      parseWith(searchSchema, {
        vector: { name: '', vector: [1, 0] },
        limit: 3,
        offset: 2,
        filter,
        with_payload: ['city'],
        with_vector: true,
        score_threshold: 0.5,
        params: { hnsw_ef: 128, exact: false, quantization: { rescore: true } },
      }),
    ).toEqual({
      vector: [1, 0],
      limit: 3,
      offset: 2,
      filter,
      with_payload: ['city'],
      with_vector: true,
      score_threshold: 0.5,
      params: { hnsw_ef: 128, exact: false },
    });
  });

  it.each([
    [{ vector: [1] }, 'limit: expected an unsigned integer, got nothing'],
    [{ limit: 3 }, 'vector: expected a vector'],
    [{ vector: { name: 'image', vector: [1] }, limit: 3 }, 'named vectors are not supported (got "image")'],
    [{ vector: ['1'], limit: 3 }, 'component 0 is the string "1"'],
    [{ vector: [1], limit: 3, score_threshold: 'high' }, 'score_threshold: expected a number, got the string "high"'],
    [{ vector: [1], limit: 3, params: { hnsw_ef: -3 } }, 'params.hnsw_ef: expected an unsigned integer, got number -3'],
    [{ vector: [1], limit: 3, offset: -1 }, 'offset: expected an unsigned integer, got number -1'],
  ])('refuses %j with a 400', (body, message) => {
    const err = failure(() => parseWith(searchSchema, body));
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain(message);
  });

  it('batches keep their order', () => {
    const batch = parseWith(searchBatchSchema, { searches: [{ vector: [1], limit: 1 }, { vector: [2], limit: 2, filter }] });
    expect(batch.map((s) => [s.vector, s.limit, s.filter])).toEqual([
      [[1], 1, undefined],
      [[2], 2, filter],
    ]);
    expect(failure(() => parseWith(searchBatchSchema, { searches: [{ vector: [1], limit: 0 }] })).code).toBe('validation_failed');
  });
});

describe('query body (Query API)', () => {
  it('serves a vector or {"nearest": vector} as a search, limit 10 by default', () => {
    const nearest = { kind: 'nearest', request: { vector: [1, 2], limit: 10, offset: 0, with_payload: false, with_vector: false } };
    expect(parseWith(querySchema, { query: [1, 2] })).toEqual(nearest);
    expect(parseWith(querySchema, { query: { nearest: [1, 2] }, using: null, prefetch: null })).toEqual(nearest);
    expect(parseWith(querySchema, { query: [1, 2], using: '', limit: 5, offset: 1, score_threshold: 0.2, filter })).toEqual({
      kind: 'nearest',
      request: { vector: [1, 2], limit: 5, offset: 1, score_threshold: 0.2, filter, with_payload: false, with_vector: false },
    });
  });

  it('without a query, scrolls offset + limit points so the first offset ones can be skipped', () => {
    expect(parseWith(querySchema, { limit: 3, offset: 4, filter, with_payload: true })).toEqual({
      kind: 'scroll',
      request: { limit: 7, filter, with_payload: true, with_vector: false },
      offset: 4,
      limit: 3,
    });
    expect(parseWith(querySchema, { query: null }).kind).toBe('scroll');
    expect(parseWith(querySchema, undefined)).toEqual({ kind: 'scroll', request: { limit: 10, with_payload: false, with_vector: false }, offset: 0, limit: 10 });
  });

  it.each([
    [{ query: 42 }, 'querying by point id is not supported'],
    [{ query: { nearest: '5c56c793-69f3-4fbf-87e6-c4bf54c28c26' } }, 'querying by point id is not supported'],
    [{ query: { recommend: { positive: [1] } } }, 'query "recommend" is not supported'],
    [{ query: { fusion: 'rrf' } }, 'query "fusion" is not supported'],
    [{ query: { nearest: [1], mmr: { diversity: 0.5 } } }, 'MMR'],
    [{ query: { indices: [1], values: [1] } }, 'sparse vectors are not supported'],
    [{ query: { nearest: [[1], [2]] } }, 'multi-vectors'],
    [{ query: [1], using: 'image' }, 'named vectors are not supported (using)'],
    [{ prefetch: [{ query: [1] }], query: { fusion: 'rrf' } }, 'prefetch (multi-stage queries) is not supported'],
    [{ query: [1], limit: -1 }, 'limit: expected an unsigned integer, got number -1'],
  ])('refuses %j with a 400', (body, message) => {
    const err = failure(() => parseWith(querySchema, body));
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain(message);
  });

  it('batches mix searches and scrolls in order', () => {
    const plans = parseWith(queryBatchSchema, { searches: [{ query: [1] }, {}, { query: { nearest: [2] }, limit: 1 }] });
    expect(plans.map((p) => p.kind)).toEqual(['nearest', 'scroll', 'nearest']);
  });
});
