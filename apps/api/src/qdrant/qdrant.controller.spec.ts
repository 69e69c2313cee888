import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { packVector } from '@hivehub/shard';
import { FakeDataPlane, qdrantTestApp } from './testing/qdrant-test-app';

const rw = { 'api-key': 'rw' };
const ro = { authorization: 'Bearer ro' };
const MOUNTS = ['/collections', '/qdrant/collections'];

describe('Qdrant routes over a fake data plane', () => {
  let app: INestApplication;
  let dataPlane: FakeDataPlane;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    ({ app, dataPlane } = await qdrantTestApp());
  });
  afterEach(() => app.close());

  const createDocs = (base = '/collections') => http().put(`${base}/docs`).set(rw).send({ vectors: { size: 2, distance: 'Dot' } });

  it('answers GET / without auth, with a version the 1.19 client accepts', async () => {
    for (const path of ['/', '/qdrant', '/qdrant/']) {
      const res = await http().get(path).expect(200);
      expect(res.body).toEqual({ title: 'hivehub - vector search engine', version: '1.19.0' });
    }
  });

  it.each(MOUNTS)('serves collections under %s in the Qdrant envelope, passing the plan limit', async (base) => {
    const created = await createDocs(base).expect(200);
    expect(created.body).toEqual({ result: true, status: 'ok', time: expect.any(Number) });
    expect(dataPlane.lastArgs('createCollection')).toEqual({ collection: 'docs', config: { size: 2, distance: 'Dot' }, max_collections: 3 });

    expect((await http().get(base).set(ro).expect(200)).body.result).toEqual({ collections: [{ name: 'docs' }] });
    const info = (await http().get(`${base}/docs`).set(ro).expect(200)).body.result;
    expect(info).toMatchObject({ status: 'green', points_count: 0, config: { params: { vectors: { size: 2, distance: 'Dot' } } } });
    expect((await http().get(`${base}/docs/exists`).set(ro).expect(200)).body.result).toEqual({ exists: true });
    expect((await http().get(`${base}/nope/exists`).set(ro).expect(200)).body.result).toEqual({ exists: false });
    expect((await http().delete(`${base}/docs`).set(rw).expect(200)).body.result).toBe(true);
    expect((await http().delete(`${base}/docs`).set(rw).expect(200)).body.result).toBe(false);
  });

  it.each(MOUNTS)('answers auth failures under %s in Qdrant\'s error envelope', async (base) => {
    const missing = await http().get(base).expect(401);
    expect(missing.body).toEqual({ status: { error: expect.stringContaining('api-key') }, time: expect.any(Number) });
    expect((await http().get(base).set({ 'api-key': 'wrong' }).expect(401)).body.status.error).toBe('invalid API key');
    expect((await http().get(base).set({ 'api-key': 'suspended' }).expect(403)).body.status.error).toContain('suspended');
    const scope = await http().put(`${base}/docs`).set(ro).send({ vectors: { size: 2, distance: 'Dot' } }).expect(403);
    expect(scope.body.status.error).toContain("'write' scope");
    expect(scope.body).not.toHaveProperty('error');
    expect(dataPlane.calls).toEqual([]);
  });

  it('upserts with wait=false as a 200 "acknowledged", and wait=true as "completed", passing the vector and storage quotas', async () => {
    await createDocs();
    const acknowledged = await http().put('/collections/docs/points?wait=false').set(rw).send({ points: [{ id: 1, vector: [1, 0] }] }).expect(200);
    expect(acknowledged.body).toEqual({ result: { operation_id: 1, status: 'acknowledged' }, status: 'ok', time: expect.any(Number) });
    // Vectors go to the node packed (float32 bytes, base64).
    expect(dataPlane.lastArgs('upsert')).toEqual({ collection: 'docs', points: [{ id: 1, vector: packVector([1, 0]) }], wait: false, max_points: 1000, max_bytes: 1_000_000 });

    const absent = await http().put('/qdrant/collections/docs/points').set(rw).send({ batch: { ids: [2], vectors: [[0, 1]] } }).expect(200);
    expect(absent.body.result.status).toBe('acknowledged');
    const completed = await http().post('/collections/docs/points/delete?wait=true').set(rw).send({ points: [2] }).expect(200);
    expect(completed.body.result).toEqual({ operation_id: 3, status: 'completed' });
  });

  it('passes unknown fields of a raw body through the global ValidationPipe to zod (Qdrant bodies are loose)', async () => {
    await createDocs();
    await http()
      .put('/collections/docs/points?wait=true&ordering=weak')
      .set(rw)
      .send({ points: [{ id: 1, vector: [1, 0], payload: { city: 'Berlin' } }], some_future_field: 1 })
      .expect(200);
    expect(dataPlane.lastArgs('upsert').points).toEqual([{ id: 1, vector: packVector([1, 0]), payload: { city: 'Berlin' } }]);
  });

  it('answers bad input, missing things, conflicts and quotas in the Qdrant envelope with their statuses', async () => {
    await createDocs();
    const wrongType = await http().put('/collections/docs/points').set(rw).send({ points: [{ id: 1, vector: [1, 'x'] }] }).expect(400);
    expect(wrongType.body).toEqual({ status: { error: expect.stringContaining('points[0].vector: component 1') }, time: expect.any(Number) });
    const dimension = await http().put('/collections/docs/points').set(rw).send({ points: [{ id: 1, vector: [1, 2, 3] }] }).expect(400);
    expect(dimension.body.status.error).toContain('expected dim: 2, got 3');
    expect((await http().put('/collections/docs/points?wait=yes').set(rw).send({ points: [] }).expect(400)).body.status.error).toContain('wait: expected true or false');
    expect((await http().post('/collections/docs/points/scroll').set(ro).send({ limit: 0 }).expect(422)).body.status.error).toContain('must be 1 or larger');
    expect((await http().put('/collections/bad.name').set(rw).send({ vectors: { size: 2, distance: 'Dot' } }).expect(422)).body.status.error).toContain('letters, digits');
    expect((await http().get('/collections/missing').set(ro).expect(404)).body.status.error).toBe("Not found: Collection `missing` doesn't exist!");
    expect((await http().get('/collections/bad.name/points/1').set(ro).expect(404)).body.status.error).toContain('bad.name');
    expect((await http().get('/collections/docs/points/9').set(ro).expect(404)).body.status.error).toContain('Point with id 9');
    expect((await createDocs().expect(409)).body.status.error).toContain('already exists');
    await http().put('/collections/two').set(rw).send({ vectors: { size: 2, distance: 'Dot' } }).expect(200);
    await http().put('/collections/three').set(rw).send({ vectors: { size: 2, distance: 'Dot' } }).expect(200);
    expect((await http().put('/collections/four').set(rw).send({ vectors: { size: 2, distance: 'Dot' } }).expect(429)).body).toEqual({
      status: { error: 'collection limit reached' },
      time: expect.any(Number),
    });
  });

  it('refuses a body over the limit with 413 naming the limit, in both envelopes, and writes nothing', async () => {
    await createDocs();
    const points = Array.from({ length: 6000 }, (_, id) => ({ id, vector: [0.25, 0.5], payload: { text: 'x'.repeat(160) } }));
    const refused = await http().put('/collections/docs/points?wait=true').set(rw).send({ points }).expect(413);
    expect(refused.body).toEqual({ status: { error: expect.stringContaining('larger than this server accepts (1 MiB)') }, time: expect.any(Number) });
    expect(refused.body.status.error).toContain('BODY_LIMIT');
    expect(dataPlane.calls.map((c) => c.op)).not.toContain('upsert');
    // Outside the Qdrant routes (even on an unknown one, whose body is read first) in the hub's envelope.
    const hub = await http().post('/not-a-qdrant-route').set('content-type', 'application/json').send(JSON.stringify({ points })).expect(413);
    expect(hub.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('(1 MiB)') });
  });

  it("answers Qdrant routes HiveHub does not serve with a 400 naming the gap, after the key check", async () => {
    await createDocs();
    const refused: [string, string, string][] = [
      ['put', '/collections/docs/index', 'creating payload indexes is not supported'],
      ['post', '/qdrant/collections/docs/points/payload', 'payload-only updates are not supported'],
      ['put', '/collections/docs/points/vectors', 'vector-only updates are not supported'],
      ['post', '/collections/docs/points/batch', 'batch update API is not supported'],
      ['post', '/collections/docs/points/recommend', 'recommend, discover, grouped and matrix queries are not supported'],
      ['post', '/collections/docs/points/query/groups', 'recommend, discover, grouped and matrix queries are not supported'],
      ['post', '/collections/docs/facet', 'facet counts are not supported'],
      ['patch', '/collections/docs', "changing a collection's parameters is not supported"],
      ['post', '/collections/aliases', 'aliases are not supported'],
      ['get', '/aliases', 'aliases are not supported'],
      ['post', '/collections/docs/snapshots', "Qdrant's snapshots are not supported: HiveHub's backups"],
      ['get', '/qdrant/snapshots', "Qdrant's snapshots are not supported"],
      ['put', '/collections/docs/shards', 'cluster and shard management is not supported'],
    ];
    for (const [method, path, message] of refused) {
      const res = await http()[method as 'get'](path).set(rw).send({}).expect(400);
      expect(res.body).toEqual({ status: { error: expect.stringContaining(message) }, time: expect.any(Number) });
      await http()[method as 'get'](path).set({ 'api-key': 'wrong' }).send({}).expect(401);
    }
    // A collection named like a refused path segment is still a collection.
    await http().put('/collections/aliases').set(rw).send({ vectors: { size: 2, distance: 'Dot' } }).expect(200);
    await http().get('/collections/aliases').set(ro).expect(200);
    expect(dataPlane.calls.map((c) => c.op).filter((op) => op !== 'createCollection' && op !== 'getCollection')).toEqual([]);
  });

  it('reads points back: retrieve, get one, scroll, count, search and query all answer 200', async () => {
    await createDocs();
    const points = [1, 2, 3].map((id) => ({ id, vector: [id, 0], payload: { n: id } }));
    await http().put('/collections/docs/points?wait=true').set(rw).send({ points }).expect(200);

    expect((await http().post('/collections/docs/points').set(ro).send({ ids: [2, 7] }).expect(200)).body.result).toEqual([{ id: 2, payload: { n: 2 } }]);
    expect((await http().get('/collections/docs/points/3').set(ro).expect(200)).body.result).toEqual({ id: 3, payload: { n: 3 }, vector: [3, 0] });
    const page = (await http().post('/collections/docs/points/scroll').set(ro).send({ limit: 2 }).expect(200)).body.result;
    expect(page).toEqual({ points: [{ id: 1, payload: { n: 1 } }, { id: 2, payload: { n: 2 } }], next_page_offset: 3 });
    expect((await http().post('/collections/docs/points/count').set(ro).send({}).expect(200)).body.result).toEqual({ count: 3 });

    const searched = (await http().post('/collections/docs/points/search').set(ro).send({ vector: [1, 0], limit: 2 }).expect(200)).body.result;
    expect(searched.map((p: { id: number }) => p.id)).toEqual([3, 2]);
    const batch = (await http().post('/collections/docs/points/search/batch').set(ro).send({ searches: [{ vector: [1, 0], limit: 1 }] }).expect(200)).body.result;
    expect(batch).toEqual([[{ id: 3, version: 1, score: 3 }]]);
    const query = (await http().post('/qdrant/collections/docs/points/query').set(ro).send({ query: { nearest: [1, 0] }, limit: 1, with_payload: true }).expect(200)).body;
    expect(query.result).toEqual({ points: [{ id: 3, version: 1, score: 3, payload: { n: 3 } }] });
    const scrolled = (await http().post('/collections/docs/points/query/batch').set(ro).send({ searches: [{ limit: 1, offset: 1 }] }).expect(200)).body.result;
    expect(scrolled).toEqual([{ points: [{ id: 2, version: 0, score: 1 }] }]);
  });

  it("serves /stats for the acting tenant in the hub's envelope", async () => {
    await createDocs();
    await http().put('/collections/docs/points?wait=true').set(rw).send({ points: [{ id: 1, vector: [1, 0] }] }).expect(200);
    expect((await http().get('/stats').set(ro).expect(200)).body).toEqual({
      collections: [{ name: 'docs', vectors_count: 1, dimension: 2, distance: 'Dot' }],
      total_collections: 1,
      total_vectors: 1,
    });
    expect((await http().get('/stats').expect(401)).body.error.code).toBe('unauthorized');
  });
});
