import { bearer, call, createKey, createTenant, service, tenantWithKey } from './support/client';
import { backUp, restore, seedCollection } from './support/backups';

/** Who may touch a backup, what input is refused, and the plan's limits. */
describe('backups: access, validation and quotas', () => {
  it("answers 404 on every route for another tenant's backup and restore", async () => {
    const owner = await tenantWithKey();
    const other = await tenantWithKey();
    const mine = bearer(owner.key);
    await seedCollection(mine, 'docs', 20, 4);
    const backup = await backUp(mine);
    expect(backup.status).toBe('succeeded');
    const restored = await restore(mine, { backup_id: backup.id, target_prefix: 'copy_' });
    expect(restored.status).toBe('succeeded');

    const theirs = bearer(other.key);
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/hub/backups/${backup.id}`],
      ['GET', `/api/hub/backups/${backup.id}/download`],
      ['POST', `/api/hub/backups/${backup.id}/cancel`],
      ['DELETE', `/api/hub/backups/${backup.id}`],
      ['POST', '/api/hub/backups/restore', { backup_id: backup.id, target_prefix: 'stolen_' }],
      ['GET', `/api/hub/restores/${restored.id}`],
      ['POST', `/api/hub/restores/${restored.id}/cancel`],
    ];
    for (const [method, path, json] of attempts) {
      for (const headers of [theirs, service(other.tenant.id)]) {
        const res = await call(method, path, { headers, json });
        expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({ method, path, status: 404, code: 'not_found' });
      }
    }
    expect((await call('GET', '/api/hub/backups', { headers: theirs })).body).toEqual({ backups: [], next_cursor: null });
    // The owner still has everything.
    expect((await call('GET', `/api/hub/backups/${backup.id}`, { headers: mine })).status).toBe(200);
  });

  it('works in service-header mode and lists newest first, page by page', async () => {
    const tenant = await createTenant();
    const hub = service(tenant.id);
    await seedCollection(hub, 'docs', 10, 4);
    const first = await backUp(hub);
    const second = await backUp(hub, ['docs']);
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    const page1 = await call('GET', '/api/hub/backups?limit=1', { headers: hub });
    expect(page1.body.backups.map((b: { id: string }) => b.id)).toEqual([second.id]);
    const page2 = await call('GET', `/api/hub/backups?limit=1&cursor=${page1.body.next_cursor}`, { headers: hub });
    expect(page2.body.backups.map((b: { id: string }) => b.id)).toEqual([first.id]);
    expect(second).toMatchObject({ requested_collections: ['docs'], source: 'backup', vectors: 10, percent: 100, error: null });
    expect(second.collections).toEqual([expect.objectContaining({ name: 'docs', dimension: 4, distance: 'Cosine', points: 10 })]);
    expect(second.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(second.size_bytes).toBeGreaterThan(0);
  });

  it('refuses bad input with 422 naming the problem, and creates nothing', async () => {
    const { key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 5, 4);
    const bad: [unknown, RegExp][] = [
      [{}, /collections/],
      [{ collections: [] }, /collections/],
      [{ collections: ['*', 'docs'] }, /stands alone/],
      [{ collections: ['nope'] }, /no such collection: nope/],
      [{ collections: ['../x'] }, /collection name/],
      [{ collections: ['*'], extra: 1 }, /extra/],
    ];
    for (const [json, message] of bad) {
      const res = await call('POST', '/api/hub/backups', { headers, json });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toMatch(message);
    }
    const readOnly = await createKey((await call('GET', '/api/hub/usage', { headers })).body.tenant.id, { scopes: ['read'] });
    expect((await call('POST', '/api/hub/backups', { headers: bearer(readOnly.key), json: { collections: ['*'] } })).body.error.code).toBe('insufficient_scope');
    const malformed = await call('POST', '/api/hub/backups', { headers, raw: '{"collections": [' });
    expect(malformed.status).toBe(400);
    expect((await call('GET', '/api/hub/backups', { headers })).body.backups).toEqual([]);
    expect((await call('GET', '/api/hub/backups/no-such-id', { headers })).status).toBe(404);
    expect((await call('POST', '/api/hub/backups/restore', { headers, json: { backup_id: 'no-such-id' } })).status).toBe(404);
  });

  it('backs up a tenant without collections as an empty backup', async () => {
    const { key } = await tenantWithKey();
    const empty = await backUp(bearer(key));
    expect(empty).toMatchObject({ status: 'succeeded', vectors: 0, collections: [] });
  });

  it("holds the plan's max_backups and max_storage_bytes with 429", async () => {
    const tenant = await createTenant({ plan: { max_backups: 1, max_storage_bytes: 100_000_000 } });
    const headers = bearer((await createKey(tenant.id)).key);
    await seedCollection(headers, 'docs', 10, 4);
    const kept = await backUp(headers);
    expect(kept.status).toBe('succeeded');
    const over = await call('POST', '/api/hub/backups', { headers, json: { collections: ['*'] } });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'quota_exceeded' });
    expect(over.body.error.message).toContain('max_backups');

    const small = await createTenant({ plan: { max_storage_bytes: 300 } });
    const smallHeaders = bearer((await createKey(small.id)).key);
    await seedCollection(smallHeaders, 'docs', 4, 4); // 4 × (16 + payload) bytes, well under 300
    const full = await call('POST', '/api/hub/backups', { headers: smallHeaders, json: { collections: ['*'] } });
    expect(full.status).toBe(429);
    expect(full.body.error.message).toContain('max_storage_bytes');
    expect((await call('GET', '/api/hub/backups', { headers: smallHeaders })).body.backups).toEqual([]);
    const usage = await call('GET', '/api/hub/usage', { headers });
    expect(usage.body.usage).toMatchObject({ backups: 1, backup_bytes: kept.size_bytes });
  });
});
