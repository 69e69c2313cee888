import { Distance, packVector, ScoredPoint, Shard, ShardStore } from '../src';
import { HnswIndex } from '../src/hnsw-index';
import { SEARCH_TUNING } from '../src/search';
import { bruteForce, clusteredVectors, points, randomVectors, referenceScore, tempRoot } from '../test-support/fixtures';

const COUNT = 5000;
const DIM = 32;
const DISTANCES: Distance[] = ['Cosine', 'Euclid', 'Dot'];

describe('search', () => {
  const root = tempRoot('search');
  const store = new ShardStore({ rootDir: root.dir });
  const vectors = clusteredVectors(COUNT, DIM, 40, 7);
  const queries = randomVectors(40, DIM, 99).map((q, i) => q.map((v, d) => v * 0.3 + vectors[(i * 97) % COUNT][d]));
  const payload = (i: number) => ({ bucket: i % 100, tens: Math.floor(i / 10) });
  let shard: Shard;

  beforeAll(async () => {
    shard = await store.open('search');
    for (const distance of DISTANCES) {
      await shard.createCollection({ collection: distance, config: { size: DIM, distance } });
      const all = points(vectors, payload);
      for (let i = 0; i < all.length; i += 1000) await shard.upsert({ collection: distance, wait: false, points: all.slice(i, i + 1000) });
    }
  });
  afterAll(async () => {
    await store.closeAll();
    root.cleanup();
  });

  const ids = (hits: ScoredPoint[]) => hits.map((hit) => hit.id);

  it.each(DISTANCES)('%s: HNSW recall@10 against brute force is at least 0.95', async (distance) => {
    let found = 0;
    for (const query of queries) {
      const hits = await shard.search({ collection: distance, request: { vector: query, limit: 10 } });
      const truth = new Set(bruteForce(distance, vectors, query, 10).map((r) => r.id));
      found += hits.filter((hit) => truth.has(hit.id as number)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(DISTANCES)('%s: exact search equals brute force, with Qdrant scores, best first', async (distance) => {
    for (const query of queries.slice(0, 10)) {
      const hits = await shard.search({ collection: distance, request: { vector: query, limit: 10, params: { exact: true } } });
      const truth = bruteForce(distance, vectors, query, 10);
      expect(ids(hits)).toEqual(truth.map((r) => r.id));
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(truth[i].score, 4));
    }
  });

  it.each(DISTANCES)('%s: a packed query vector finds exactly what the same list of numbers finds, graph and exact', async (distance) => {
    for (const query of queries.slice(0, 10)) {
      for (const params of [{}, { exact: true }]) {
        const listed = await shard.search({ collection: distance, request: { vector: query, limit: 10, params } });
        const packed = await shard.search({ collection: distance, request: { vector: packVector(query), limit: 10, params } });
        expect(packed).toEqual(listed);
      }
    }
  });

  it('refuses a packed vector of the wrong dimension, of torn floats or with a non-finite float, as it refuses such lists', async () => {
    const search = (vector: unknown) => shard.search({ collection: 'Cosine', request: { vector: vector as number[], limit: 3 } });
    await expect(search(packVector(queries[0].slice(1)))).rejects.toMatchObject({ code: 'bad_request', message: `vector has dimension ${DIM - 1}, expected ${DIM} (the collection's size)` });
    await expect(search({ f32: Buffer.alloc(DIM * 4 - 2).toString('base64') })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('not whole float32s') });
    // 1e39 is a finite double but overflows float32: refused, never searched as Infinity.
    await expect(search(packVector([1e39, ...queries[0].slice(1)]))).rejects.toMatchObject({ code: 'bad_request', message: 'vector[0] overflows float32' });
    await expect(search([1e39, ...queries[0].slice(1)])).rejects.toMatchObject({ code: 'bad_request', message: 'vector[0] overflows float32' });
    await expect(search({ f32: 42 })).rejects.toMatchObject({ code: 'bad_request', message: 'vector must be a list of numbers' });
  });

  it.each(DISTANCES)('%s: HNSW scores are the distance Qdrant reports', async (distance) => {
    const hits = await shard.search({ collection: distance, request: { vector: queries[0], limit: 5, with_vector: true } });
    for (const hit of hits) expect(hit.score).toBeCloseTo(referenceScore(distance, queries[0], vectors[hit.id as number]), 4);
    const ordered = hits.map((hit) => hit.score);
    expect(ordered).toEqual([...ordered].sort((a, b) => (distance === 'Euclid' ? a - b : b - a)));
    // Cosine vectors are stored normalised, as Qdrant returns them.
    const norm = Math.hypot(...hits[0].vector!);
    expect(norm).toBeCloseTo(distance === 'Cosine' ? 1 : Math.hypot(...vectors[hits[0].id as number]), 4);
  });

  it('applies score_threshold the Qdrant way (similarity >= t, Euclid distance <= t) and offset', async () => {
    const query = queries[3];
    for (const distance of DISTANCES) {
      const truth = bruteForce(distance, vectors, query, 30);
      const threshold = (truth[19].score + truth[20].score) / 2; // between two results: immune to float rounding
      const hits = await shard.search({ collection: distance, request: { vector: query, limit: 30, score_threshold: threshold, params: { exact: true } } });
      expect(ids(hits)).toEqual(truth.slice(0, 20).map((r) => r.id));
      const page = await shard.search({ collection: distance, request: { vector: query, limit: 5, offset: 5, params: { exact: true } } });
      expect(ids(page)).toEqual(truth.slice(5, 10).map((r) => r.id));
    }
  });

  it('searchBatch answers each request; payloads only when asked', async () => {
    const [first, second] = await shard.searchBatch({
      collection: 'Cosine',
      requests: [
        { vector: queries[0], limit: 2 },
        { vector: queries[1], limit: 3, with_payload: ['bucket'], params: { hnsw_ef: 200 } },
      ],
    });
    expect(first).toHaveLength(2);
    expect(first[0].payload).toBeUndefined();
    expect(second).toHaveLength(3);
    expect(Object.keys(second[0].payload!)).toEqual(['bucket']);
    await expect(shard.search({ collection: 'Cosine', request: { vector: [1, 2], limit: 1 } })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(shard.search({ collection: 'Cosine', request: { vector: queries[0], limit: 0 } })).rejects.toMatchObject({ code: 'bad_request' });
  });

  describe('with a filter', () => {
    const saved = { ...SEARCH_TUNING };
    afterEach(() => Object.assign(SEARCH_TUNING, saved));

    const check = async (filter: object, include: (i: number) => boolean, limit: number, minRecall: number) => {
      for (const query of queries.slice(0, 10)) {
        const hits = await shard.search({ collection: 'Cosine', request: { vector: query, limit, filter, with_payload: true } });
        const truth = bruteForce('Cosine', vectors, query, limit, include);
        expect(hits).toHaveLength(truth.length);
        for (const hit of hits) expect(include(hit.id as number)).toBe(true);
        const truthIds = new Set(truth.map((r) => r.id));
        expect(hits.filter((hit) => truthIds.has(hit.id as number)).length).toBeGreaterThanOrEqual(Math.floor(truth.length * minRecall));
      }
    };

    it('returns limit results from a small match set, exactly', async () => {
      await check({ must: [{ key: 'bucket', match: { value: 7 } }] }, (i) => i % 100 === 7, 10, 1);
    });

    it('through the graph (label bitmap, raised ef) keeps returning limit results with good recall', async () => {
      SEARCH_TUNING.minExactMatches = 0;
      SEARCH_TUNING.exactSearchBudget = 0;
      const graphSearch = jest.spyOn(HnswIndex.prototype, 'search');
      await check({ must: [{ key: 'bucket', range: { lt: 50 } }] }, (i) => i % 100 < 50, 10, 0.9);
      expect(graphSearch).toHaveBeenCalledWith(expect.any(Array), 10, expect.any(Number), expect.any(Uint8Array));
      expect(graphSearch.mock.calls[0][2]).toBeGreaterThan(64); // ef raised for a filter matching half the points
      graphSearch.mockRestore();
      await check({ must: [{ key: 'bucket', match: { any: [1, 2] } }] }, (i) => i % 100 === 1 || i % 100 === 2, 10, 0.9);
    });

    it('even a highly selective filter through the graph returns every match up to limit', async () => {
      SEARCH_TUNING.minExactMatches = 0;
      SEARCH_TUNING.exactSearchBudget = 0;
      // 12 matching points out of 5000: the graph walk alone would come back short.
      const filter = { must: [{ key: 'bucket', match: { value: 3 } }, { key: 'tens', range: { lt: 120 } }] };
      await check(filter, (i) => i % 100 === 3 && Math.floor(i / 10) < 120, 10, 1);
      await check({ must: [{ has_id: [5, 17, 4999] }] }, (i) => [5, 17, 4999].includes(i), 10, 1);
    });
  });
});
