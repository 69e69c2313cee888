import type { INestApplication } from '@nestjs/common';
import { Registry } from 'prom-client';
import request from 'supertest';
import { FakeDataPlane, qdrantTestApp } from './testing/qdrant-test-app';

const rw = { 'api-key': 'rw' };
const ro = { authorization: 'Bearer ro' };

/** The search routes are served ahead of Nest (QdrantSearchRoute): everything a Nest route does for a request, they must do too. */
describe('Qdrant search routes served ahead of Nest', () => {
  let app: INestApplication;
  let dataPlane: FakeDataPlane;
  const http = () => request(app.getHttpServer());
  const searches = () => dataPlane.calls.filter((c) => c.op === 'searchBatch' || c.op === 'search' || c.op === 'scroll').length;

  beforeEach(async () => {
    ({ app, dataPlane } = await qdrantTestApp());
    await http().put('/collections/docs').set(rw).send({ vectors: { size: 2, distance: 'Dot' } }).expect(200);
    const points = [1, 2, 3].map((id) => ({ id, vector: [id, 0], payload: { n: id } }));
    await http().put('/collections/docs/points?wait=true').set(rw).send({ points }).expect(200);
  });
  afterEach(() => app.close());

  it('answers under both prefixes, with a trailing slash or a query string, in Qdrant envelope with X-Request-Id', async () => {
    for (const path of ['/collections/docs/points/search', '/qdrant/collections/docs/points/search/', '/collections/docs/points/search?consistency=all']) {
      const res = await http().post(path).set(ro).set('x-request-id', 'trace-7').send({ vector: [1, 0], limit: 1 }).expect(200);
      expect(res.body).toEqual({ result: [{ id: 3, version: 1, score: 3 }], status: 'ok', time: expect.any(Number) });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-request-id']).toBe('trace-7');
    }
    const fresh = await http().post('/qdrant/collections/docs/points/query/batch').set(ro).send({ searches: [{ query: [1, 0], limit: 1 }] }).expect(200);
    expect(fresh.body.result).toEqual([{ points: [{ id: 3, version: 1, score: 3 }] }]);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('checks the key and its scope before searching, as the Nest routes do', async () => {
    const body = { vector: [1, 0], limit: 1 };
    const missing = await http().post('/collections/docs/points/search').send(body).expect(401);
    expect(missing.body).toEqual({ status: { error: expect.stringContaining('Authorization: Bearer <key>') }, time: 0 });
    expect((await http().post('/collections/docs/points/search').set({ 'api-key': 'wrong' }).send(body).expect(401)).body.status.error).toBe('invalid API key');
    expect((await http().post('/collections/docs/points/query').set({ 'api-key': 'suspended' }).send(body).expect(403)).body.status.error).toContain('suspended');
    await http().post('/collections/docs/points/search').set({ 'x-hivehub-service': 'nope', 'api-key': 'rw' }).send(body).expect(401);
    expect(searches()).toBe(0);
  });

  it('refuses bad input with the statuses and texts of the other Qdrant routes, searching nothing', async () => {
    const malformed = await http().post('/collections/docs/points/search').set(ro).set('content-type', 'application/json').send('{"vector": [1,').expect(400);
    expect(malformed.body).toEqual({ status: { error: expect.stringContaining('request body is not valid JSON') }, time: 0 });
    const tooLarge = await http().post('/collections/docs/points/search').set(ro).send({ vector: [1, 0], limit: 1, pad: 'x'.repeat(1024 * 1024) }).expect(413);
    expect(tooLarge.body.status.error).toContain('larger than this server accepts (1 MiB)');
    expect(tooLarge.body.status.error).toContain('BODY_LIMIT');
    expect((await http().post('/collections/docs/points/search').set(ro).set('content-type', 'text/plain').send('hi').expect(400)).body.status.error).toContain('Format error');
    expect((await http().post('/collections/docs/points/search').set(ro).send({ vector: [1, 'x'], limit: 1 }).expect(400)).body.status.error).toContain('vector');
    expect((await http().post('/collections/docs/points/query').set(ro).send({ query: [1, 0], limit: 0 }).expect(422)).body.status.error).toContain('Validation error');
    expect((await http().post('/collections/bad.name/points/search').set(ro).send({ vector: [1, 0], limit: 1 }).expect(404)).body.status.error).toContain('bad.name');
    expect((await http().post('/collections/%E0%A4%A/points/search').set(ro).send({ vector: [1, 0], limit: 1 }).expect(404)).body.status.error).toContain("doesn't exist");
    expect(searches()).toBe(0);
    expect((await http().post('/collections/missing/points/search').set(ro).send({ vector: [1, 0], limit: 1 }).expect(404)).body.status.error).toBe(
      "Not found: Collection `missing` doesn't exist!",
    );
  });

  it('leaves every other method and path to Nest', async () => {
    // GET is Nest's point-by-id route, which takes "search" as an id and refuses it.
    const get = await http().get('/collections/docs/points/search').set(ro).expect(400);
    expect(get.body).toEqual({ status: { error: 'Format error in path parameters: point id "search" is neither an unsigned integer nor a UUID' }, time: expect.any(Number) });
    const grouped = await http().post('/collections/docs/points/search/groups').set(ro).send({}).expect(400);
    expect(grouped.body.status.error).toContain('grouped and matrix queries are not supported');
  });

  it('times each request in the request-duration metric by its route template', async () => {
    await http().post('/qdrant/collections/docs/points/search/batch').set(ro).send({ searches: [] }).expect(200);
    await http().post('/collections/docs/points/query').set(ro).send({ query: [1, 0], limit: 0 }).expect(422);
    const metrics = await app.get(Registry).metrics();
    expect(metrics).toMatch(/hivehub_http_request_duration_seconds_count\{method="POST",route="\/qdrant\/collections\/:name\/points\/search\/batch",status="200"\} 1/);
    expect(metrics).toMatch(/hivehub_http_request_duration_seconds_count\{method="POST",route="\/collections\/:name\/points\/query",status="422"\} 1/);
  });
});
