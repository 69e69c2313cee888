import { QdrantClient } from '@qdrant/js-client-rest';
import { stackInfo } from './support/stack-info';
import { tenantWithKey } from './support/client';
import { bruteForceTopK, cosine, randomVectors } from './support/vectors';

/**
 * The official Qdrant JavaScript client, unchanged, against the running stack with a
 * tenant key; every result is checked against a brute-force reference.
 */
/** The status and Qdrant error text of a call the client rejects. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 0, error: 'no error' }),
    (err: { status: number; data?: { status?: { error?: string } } }) => ({ status: err.status, error: err.data?.status?.error ?? '' }),
  );

describe('official @qdrant/js-client-rest against HiveHub', () => {
  const dim = 16;
  const vectors = randomVectors(600, dim, 7);
  const points = vectors.map((vector, id) => ({ id, vector, payload: { group: id % 5, parity: id % 2 === 0 ? 'even' : 'odd', n: id } }));
  let client: QdrantClient;

  beforeAll(async () => {
    const { key } = await tenantWithKey();
    client = new QdrantClient({ url: stackInfo().apiUrl, apiKey: key });
    await client.createCollection('docs', { vectors: { size: dim, distance: 'Cosine' } });
    for (let i = 0; i < points.length; i += 200) {
      await client.upsert('docs', { wait: true, points: points.slice(i, i + 200) });
    }
  });

  it('lists, describes and checks the collection', async () => {
    expect((await client.collectionExists('docs')).exists).toBe(true);
    expect((await client.collectionExists('nope')).exists).toBe(false);
    expect((await client.getCollections()).collections.map((c) => c.name)).toEqual(['docs']);
    const info = await client.getCollection('docs');
    expect(info.points_count).toBe(points.length);
    expect(info.config.params.vectors).toMatchObject({ size: dim, distance: 'Cosine' });
  });

  it('queries the nearest points, exactly and approximately, with and without filters', async () => {
    const query = randomVectors(1, dim, 99)[0];
    const exact = await client.query('docs', { query, limit: 10, params: { exact: true }, with_payload: true });
    expect(exact.points.map((p) => p.id)).toEqual(bruteForceTopK(query, points, 10));
    expect(exact.points[0].score).toBeCloseTo(cosine(query, points[exact.points[0].id as number].vector), 4);
    expect(exact.points[0].payload).toMatchObject({ n: exact.points[0].id });

    const approx = await client.query('docs', { query, limit: 10 });
    const reference = new Set(bruteForceTopK(query, points, 10));
    const recall = approx.points.filter((p) => reference.has(p.id as number)).length / 10;
    expect(recall).toBeGreaterThanOrEqual(0.8);

    const filter = { must: [{ key: 'group', match: { value: 3 } }], must_not: [{ key: 'parity', match: { value: 'odd' } }] };
    const matching = points.filter((p) => p.payload.group === 3 && p.payload.parity === 'even');
    const filtered = await client.query('docs', { query, filter, limit: 10, params: { exact: true } });
    expect(filtered.points.map((p) => p.id)).toEqual(bruteForceTopK(query, matching, 10));
    const filteredApprox = await client.query('docs', { query, filter, limit: 10 });
    expect(filteredApprox.points).toHaveLength(10);
    for (const p of filteredApprox.points) expect(matching.some((m) => m.id === p.id)).toBe(true);
  });

  it('scrolls every matching point exactly once, in id order', async () => {
    const filter = { must: [{ key: 'n', range: { gte: 100, lt: 350 } }] };
    const seen: number[] = [];
    let offset: number | string | undefined | null = undefined;
    do {
      const page: Awaited<ReturnType<QdrantClient['scroll']>> = await client.scroll('docs', { filter, limit: 64, offset: offset ?? undefined, with_payload: false });
      seen.push(...page.points.map((p) => p.id as number));
      offset = page.next_page_offset as number | null;
    } while (offset !== null && offset !== undefined);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i + 100));
  });

  it('counts with filters', async () => {
    expect((await client.count('docs', { exact: true })).count).toBe(points.length);
    const filter = { should: [{ key: 'group', match: { any: [0, 1] } }] };
    expect((await client.count('docs', { filter, exact: true })).count).toBe(points.filter((p) => p.payload.group <= 1).length);
  });

  it('retrieves, overwrites and deletes points without leaving ghosts', async () => {
    const [first] = await client.retrieve('docs', { ids: [5], with_vector: true, with_payload: true });
    expect(first.vector as number[]).toHaveLength(dim);
    // Like Qdrant, a Cosine collection stores (and returns) the vector normalised.
    const norm = Math.hypot(...points[5].vector);
    expect((first.vector as number[])[0]).toBeCloseTo(points[5].vector[0] / norm, 5);

    await client.upsert('docs', { wait: true, points: [{ id: 5, vector: points[6].vector, payload: { replaced: true } }] });
    const near6 = await client.query('docs', { query: points[6].vector, limit: 2, with_payload: true, params: { exact: true } });
    expect(near6.points.map((p) => p.id).sort()).toEqual([5, 6]);

    await client.delete('docs', { wait: true, points: [5, 6] });
    await client.delete('docs', { wait: true, filter: { must: [{ key: 'group', match: { value: 4 } }] } });
    const remaining = points.filter((p) => p.id !== 5 && p.id !== 6 && p.payload.group !== 4).length;
    expect((await client.count('docs', { exact: true })).count).toBe(remaining);
    const after = await client.query('docs', { query: points[6].vector, limit: 50, params: { exact: true } });
    for (const p of after.points) {
      expect([5, 6]).not.toContain(p.id);
      expect((p.id as number) % 5).not.toBe(4);
    }
    expect(await client.retrieve('docs', { ids: [5, 6, 9] })).toEqual([]);
  });

  it('accepts UUID ids and the batch form of upsert', async () => {
    await client.createCollection('uuids', { vectors: { size: 4, distance: 'Dot' } });
    const ids = ['550e8400-e29b-41d4-a716-446655440000', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'];
    await client.upsert('uuids', { wait: true, batch: { ids, vectors: [[1, 0, 0, 0], [0, 1, 0, 0]], payloads: [{ a: 1 }, { a: 2 }] } });
    const hit = await client.query('uuids', { query: [0, 2, 0, 0], limit: 1, with_payload: true });
    expect(hit.points[0]).toMatchObject({ id: ids[1], score: 2, payload: { a: 2 } });
    await client.deleteCollection('uuids');
    expect((await client.collectionExists('uuids')).exists).toBe(false);
  });

  it('reports errors the client surfaces, with Qdrant-shaped bodies', async () => {
    const wrongDimension = await failure(client.upsert('docs', { wait: true, points: [{ id: 1, vector: [1, 2, 3] }] }));
    expect(wrongDimension.status).toBe(400);
    expect(wrongDimension.error).toMatch(/dimension/i);
    const missing = await failure(client.getCollection('missing'));
    expect(missing.status).toBe(404);
    // Qdrant's own wording: some clients match on it.
    expect(missing.error).toBe("Not found: Collection `missing` doesn't exist!");
    const duplicate = await failure(client.createCollection('docs', { vectors: { size: dim, distance: 'Cosine' } }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.error).toBe("Wrong input: Collection `docs` already exists!");
  });

  it('says which Qdrant features are not served, through the client, with a 400', async () => {
    const refusals = await Promise.all([
      failure(client.createPayloadIndex('docs', { field_name: 'lang', field_schema: 'keyword', wait: true })),
      failure(client.setPayload('docs', { payload: { lang: 'fr' }, points: [1], wait: true })),
      failure(client.createSnapshot('docs')),
      failure(client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: 'docs', alias_name: 'd' } }] })),
    ]);
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(refusal.error).toMatch(/is not supported|are not supported/);
    }
    expect(refusals[2].error).toContain('/api/hub/backups');
  });
});
