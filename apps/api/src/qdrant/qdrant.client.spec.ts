import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { QdrantClient } from '@qdrant/js-client-rest';
import { qdrantTestApp } from './testing/qdrant-test-app';

/**
 * The official client, unchanged, against these routes over a fake data plane: the
 * request bodies it builds and the response shapes it reads. (The end-to-end
 * compatibility suite runs it against real nodes.)
 */
describe('@qdrant/js-client-rest 1.19 against the Qdrant routes', () => {
  let app: INestApplication;
  let url: string;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    ({ app } = await qdrantTestApp());
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it.each(['', '/qdrant'])('creates, writes, reads and deletes through prefix "%s"', async (prefix) => {
    const client = new QdrantClient({ url: `${url}${prefix}`, apiKey: 'rw' });
    const name = `docs${prefix.replace('/', '-')}`;

    expect(await client.versionInfo()).toMatchObject({ version: '1.19.0' });
    expect(await client.createCollection(name, { vectors: { size: 2, distance: 'Dot' }, hnsw_config: { m: 8 } })).toBe(true);
    expect(await client.collectionExists(name)).toEqual({ exists: true });
    expect((await client.getCollections()).collections).toContainEqual({ name });

    const points = [1, 2, 3].map((id) => ({ id, vector: [id, 0], payload: { n: id } }));
    expect(await client.upsert(name, { points })).toEqual({ operation_id: expect.any(Number), status: 'completed' });
    expect(await client.upsert(name, { wait: false, batch: { ids: [4], vectors: [[4, 0]] } })).toMatchObject({ status: 'acknowledged' });
    const info = await client.getCollection(name);
    expect(info.points_count).toBe(4);
    expect(info.config.hnsw_config.m).toBe(8);

    const { points: found } = await client.query(name, { query: [1, 0], limit: 2, with_payload: true });
    expect(found.map((p) => [p.id, p.payload])).toEqual([
      [4, null],
      [3, { n: 3 }],
    ]);
    const [first, second] = await client.queryBatch(name, { searches: [{ query: { nearest: [1, 0] }, limit: 1 }, { limit: 2 }] });
    expect(first.points.map((p) => p.id)).toEqual([4]);
    expect(second.points.map((p) => [p.id, p.score])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(await client.scroll(name, { limit: 2 })).toEqual({ points: [{ id: 1, payload: { n: 1 } }, { id: 2, payload: { n: 2 } }], next_page_offset: 3 });
    expect(await client.count(name)).toEqual({ count: 4 });
    expect(await client.retrieve(name, { ids: [2], with_vector: true })).toEqual([{ id: 2, payload: { n: 2 }, vector: [2, 0] }]);
    expect(await client.delete(name, { points: [4] })).toMatchObject({ status: 'acknowledged' });

    expect(await client.deleteCollection(name)).toBe(true);
    expect(await client.recreateCollection(name, { vectors: { size: 2, distance: 'Cosine' } })).toBe(true);
    expect(await client.deleteCollection(name)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the version check on construction is asynchronous
    expect(warn.mock.calls.flat().join('\n')).not.toMatch(/incompatible|Failed to obtain server version/);
  });

  it('surfaces errors with their status and Qdrant message', async () => {
    const client = new QdrantClient({ url, apiKey: 'ro', checkCompatibility: false });
    await expect(client.getCollection('missing')).rejects.toMatchObject({ status: 404, data: { status: { error: "Not found: Collection `missing` doesn't exist!" } } });
    await expect(client.createCollection('docs', { vectors: { size: 2, distance: 'Dot' } })).rejects.toMatchObject({ status: 403 });
    const anonymous = new QdrantClient({ url, checkCompatibility: false });
    await expect(anonymous.getCollections()).rejects.toMatchObject({ status: 401 });
  });
});
