import { admin, bearer, call, createKey, createTenant, service, tenantWithKey } from './support/client';

const docs = (prefix = '') => `${prefix}/collections/docs`;
const vectorsOf = (n: number, dim = 4) => Array.from({ length: n }, (_, i) => ({ id: i + 1, vector: Array.from({ length: dim }, (_, d) => (i + 1) * (d + 1)), payload: { i } }));

describe('tenant data API (Qdrant-compatible HTTP)', () => {
  it('answers GET / without auth with a version object', async () => {
    const res = await call('GET', '/');
    expect(res.status).toBe(200);
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves the same data under /collections and /qdrant/collections, in Qdrant envelopes', async () => {
    const { key } = await tenantWithKey();
    const created = await call('PUT', docs(), { headers: bearer(key), json: { vectors: { size: 4, distance: 'Euclid' } } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ result: true, status: 'ok', time: expect.any(Number) });
    const upsert = await call('PUT', `${docs('/qdrant')}/points?wait=true`, { headers: bearer(key), json: { points: vectorsOf(3) } });
    expect(upsert.body.result).toMatchObject({ status: 'completed', operation_id: expect.any(Number) });
    const info = await call('GET', docs(), { headers: bearer(key) });
    expect(info.body.result).toMatchObject({ status: 'green', points_count: 3, vectors_count: 3 });
    const stats = await call('GET', '/stats', { headers: bearer(key) });
    expect(stats.body).toMatchObject({ total_collections: 1, total_vectors: 3 });
    const usage = await call('GET', '/api/hub/usage', { headers: bearer(key) });
    // Stored bytes: 4 dims x 4 bytes per vector plus the payload JSON {"i":n} (7 bytes).
    expect(usage.body.usage).toMatchObject({ collections: 1, vectors: 3, storage_bytes: 3 * (16 + 7) });
  });

  it('acknowledges wait=false with 200 and never loses the write', async () => {
    const { key } = await tenantWithKey();
    await call('PUT', docs(), { headers: bearer(key), json: { vectors: { size: 4, distance: 'Dot' } } });
    const res = await call('PUT', `${docs()}/points?wait=false`, { headers: bearer(key), json: { points: vectorsOf(10) } });
    expect(res.status).toBe(200);
    expect(res.body.result.status).toBe('acknowledged');
    const count = await call('POST', `${docs()}/points/count`, { headers: bearer(key), json: { exact: true } });
    expect(count.body.result.count).toBe(10);
  });

  it('refuses bad input with 400 in Qdrant shape and writes nothing', async () => {
    const { key } = await tenantWithKey();
    await call('PUT', docs(), { headers: bearer(key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    const bad = [
      { points: [{ id: 1, vector: [1, 2, 3] }] },
      { points: [{ id: 1, vector: [1, 2, 3, 4] }, { id: 2, vector: [1, 'x', 3, 4] }] },
      { points: [{ id: -3, vector: [1, 2, 3, 4] }] },
      { points: [{ id: 'not-a-uuid', vector: [1, 2, 3, 4] }] },
    ];
    for (const json of bad) {
      const res = await call('PUT', `${docs()}/points?wait=true`, { headers: bearer(key), json });
      expect([400, 422]).toContain(res.status);
      expect(res.body.status.error).toEqual(expect.any(String));
    }
    const count = await call('POST', `${docs()}/points/count`, { headers: bearer(key), json: { exact: true } });
    expect(count.body.result.count).toBe(0);
    // Query vectors reach the node as float32: one beyond float32's range is refused, not searched as Infinity.
    for (const [vector, message] of [
      [[1, 2, 3], /dimension 3, expected 4/],
      [[1e39, 0, 0, 1], /vector\[0\] overflows float32/],
    ] as const) {
      const res = await call('POST', `${docs()}/points/search`, { headers: bearer(key), json: { vector, limit: 3 } });
      expect(res.status).toBe(400);
      expect(res.body.status.error).toMatch(message);
    }
    for (const [name, body] of [
      ['bad name!', { vectors: { size: 4, distance: 'Cosine' } }],
      ['ok', { vectors: { size: 4, distance: 'Manhattan-ish' } }],
      ['ok2', { vectors: { size: 0, distance: 'Cosine' } }],
    ] as const) {
      const res = await call('PUT', `/collections/${encodeURIComponent(name)}`, { headers: bearer(key), json: body });
      expect([400, 422]).toContain(res.status);
    }
    expect((await call('GET', '/collections', { headers: bearer(key) })).body.result.collections).toEqual([{ name: 'docs' }]);
  });

  it('answers concurrent searches each with its own results, or its own error', async () => {
    // The api joins a tenant's concurrent searches into shared node calls (SearchLanes):
    // a wrong dimension, which only the node can see, must fail its own request only.
    const { key } = await tenantWithKey();
    await call('PUT', docs(), { headers: bearer(key), json: { vectors: { size: 4, distance: 'Euclid' } } });
    await call('PUT', `${docs()}/points?wait=true`, { headers: bearer(key), json: { points: vectorsOf(30) } });
    const requests = Array.from({ length: 60 }, (_, i) => {
      const id = (i % 30) + 1;
      if (i % 7 === 3) return { json: { vector: [1, 2, 3], limit: 1 }, expect: { status: 400, error: /dimension 3, expected 4/ } };
      const path = i % 5 === 0 ? `${docs()}/points/query` : `${docs()}/points/search`;
      const json = i % 5 === 0 ? { query: vectorsOf(id)[id - 1].vector, limit: 2 } : { vector: vectorsOf(id)[id - 1].vector, limit: 2 };
      return { path, json, expect: { status: 200, id } };
    });
    const answers = await Promise.all(requests.map((r) => call('POST', r.path ?? `${docs()}/points/search`, { headers: bearer(key), json: r.json })));
    answers.forEach((res, i) => {
      const want = requests[i].expect;
      expect(res.status).toBe(want.status);
      if (want.status !== 200) return expect(res.body.status.error).toMatch(want.error!);
      const points = Array.isArray(res.body.result) ? res.body.result : res.body.result.points;
      expect(points.map((p: { id: number }) => p.id)[0]).toBe(want.id);
      expect(points).toHaveLength(2);
    });
  });

  it('isolates tenants: same collection names, separate data, 404 across', async () => {
    const a = await tenantWithKey();
    const b = await tenantWithKey();
    await call('PUT', docs(), { headers: bearer(a.key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    await call('PUT', docs(), { headers: bearer(b.key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    await call('PUT', `${docs()}/points?wait=true`, { headers: bearer(a.key), json: { points: vectorsOf(5) } });
    expect((await call('POST', `${docs()}/points/count`, { headers: bearer(b.key), json: {} })).body.result.count).toBe(0);
    await call('PUT', '/collections/only-a', { headers: bearer(a.key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    const cross = await call('GET', '/collections/only-a', { headers: bearer(b.key) });
    expect(cross.status).toBe(404);
    expect((await call('GET', '/collections/only-a', { headers: service(a.tenant.id) })).status).toBe(200);
  });

  it('enforces plan quotas with 429 and writes nothing past them', async () => {
    const tenant = await createTenant({ plan: { max_collections: 1, max_vectors: 5 } });
    const { key } = await createKey(tenant.id);
    expect((await call('PUT', docs(), { headers: bearer(key), json: { vectors: { size: 4, distance: 'Cosine' } } })).status).toBe(200);
    const second = await call('PUT', '/collections/more', { headers: bearer(key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    expect(second.status).toBe(429);
    const tooMany = await call('PUT', `${docs()}/points?wait=true`, { headers: bearer(key), json: { points: vectorsOf(6) } });
    expect(tooMany.status).toBe(429);
    expect((await call('POST', `${docs()}/points/count`, { headers: bearer(key), json: {} })).body.result.count).toBe(0);
    expect((await call('PUT', `${docs()}/points?wait=true`, { headers: bearer(key), json: { points: vectorsOf(5) } })).status).toBe(200);
  });

  it('enforces the storage quota (vectors + payload bytes) with 429 and writes nothing past it', async () => {
    const tenant = await createTenant({ plan: { max_storage_bytes: 200 } });
    const { key } = await createKey(tenant.id);
    await call('PUT', docs(), { headers: bearer(key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    const big = await call('PUT', `${docs()}/points?wait=true`, {
      headers: bearer(key),
      json: { points: [{ id: 1, vector: [1, 2, 3, 4], payload: { text: 'x'.repeat(300) } }] },
    });
    expect(big.status).toBe(429);
    expect(big.body.status.error).toContain('max_bytes');
    expect((await call('POST', `${docs()}/points/count`, { headers: bearer(key), json: {} })).body.result.count).toBe(0);
    const small = await call('PUT', `${docs()}/points?wait=true`, { headers: bearer(key), json: { points: vectorsOf(5) } });
    expect(small.status).toBe(200);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(key) })).body.usage.storage_bytes).toBe(5 * (16 + 7));
  });

  it('needs the write scope to write and answers auth errors in Qdrant shape', async () => {
    const tenant = await createTenant();
    const reader = await createKey(tenant.id, { scopes: ['read'] });
    const res = await call('PUT', docs(), { headers: bearer(reader.key), json: { vectors: { size: 4, distance: 'Cosine' } } });
    expect(res.status).toBe(403);
    expect(res.body.status.error).toContain('write');
    const anonymous = await call('GET', '/collections');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.status.error).toEqual(expect.any(String));
    expect((await call('GET', `/admin/tenants/${tenant.id}/placement`, { headers: admin() })).status).toBe(404);
  });
});
