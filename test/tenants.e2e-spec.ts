import { randomUUID } from 'node:crypto';
import { admin, bearer, call, createKey, createTenant } from './support/client';

describe('admin: tenants', () => {
  it('refuses admin routes without the admin token, or with a wrong one', async () => {
    const none = await call('GET', '/admin/tenants');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'unauthorized' });
    expect(none.body.error.requestId).toEqual(expect.any(String));
    const wrong = await call('GET', '/admin/tenants', { headers: bearer('not-the-admin-token') });
    expect(wrong.status).toBe(401);
  });

  it('creates a tenant with default limits, or the plan given', async () => {
    const plain = await createTenant();
    expect(plain).toMatchObject({ status: 'active', plan: { max_collections: 100, max_vectors: 10_000_000, max_backups: 50 } });
    const planned = await createTenant({ plan: { max_collections: 3, max_storage_bytes: 1024 } });
    expect(planned.plan).toMatchObject({ max_collections: 3, max_storage_bytes: 1024, max_backups: 50 });
    const fetched = await call('GET', `/admin/tenants/${planned.id}`, { headers: admin() });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(planned);
  });

  it('takes a caller-chosen id (the hub user id) and refuses duplicates with 409', async () => {
    const id = `user-${randomUUID().slice(0, 8)}`;
    const tenant = await createTenant({ id });
    expect(tenant.id).toBe(id);
    const sameId = await call('POST', '/admin/tenants', { headers: admin(), json: { id, name: `other-${id}` } });
    expect(sameId.status).toBe(409);
    const sameName = await call('POST', '/admin/tenants', { headers: admin(), json: { name: tenant.name } });
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.message).toContain(tenant.name);
  });

  it('names every problem of a bad body in one 422 and creates nothing', async () => {
    const name = `bad-${randomUUID()}`;
    const res = await call('POST', '/admin/tenants', {
      headers: admin(),
      json: { name, id: 'has spaces', plan: { max_collections: -1, max_vectors: 'many' }, extra: true },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    for (const field of ['id', 'plan.max_collections', 'plan.max_vectors', 'extra']) {
      expect(res.body.error.message).toContain(field);
    }
    const list = await call('GET', '/admin/tenants?limit=1000', { headers: admin() });
    expect(list.body.tenants.map((t: { name: string }) => t.name)).not.toContain(name);
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await call('POST', '/admin/tenants', { headers: admin(), raw: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_json', requestId: expect.any(String) });
  });

  it('pages through tenants with next_cursor', async () => {
    await createTenant();
    await createTenant();
    const first = await call('GET', '/admin/tenants?limit=1', { headers: admin() });
    expect(first.body.tenants).toHaveLength(1);
    const second = await call('GET', `/admin/tenants?limit=1&cursor=${first.body.next_cursor}`, { headers: admin() });
    expect(second.body.tenants[0].id > first.body.tenants[0].id).toBe(true);
    expect((await call('GET', '/admin/tenants?limit=0', { headers: admin() })).status).toBe(422);
  });

  it('renames and re-plans a tenant with PATCH', async () => {
    const tenant = await createTenant();
    const res = await call('PATCH', `/admin/tenants/${tenant.id}`, { headers: admin(), json: { plan: { max_backups: 7 } } });
    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ max_backups: 7, max_collections: tenant.plan.max_collections });
  });

  it('suspends and resumes: a suspended tenant gets 403 tenant_suspended', async () => {
    const tenant = await createTenant();
    const { key } = await createKey(tenant.id);
    expect((await call('POST', `/admin/tenants/${tenant.id}/suspend`, { headers: admin() })).body.status).toBe('suspended');
    const refused = await call('GET', '/api/hub/usage', { headers: bearer(key) });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('tenant_suspended');
    expect((await call('POST', `/admin/tenants/${tenant.id}/resume`, { headers: admin() })).body.status).toBe('active');
    expect((await call('GET', '/api/hub/usage', { headers: bearer(key) })).status).toBe(200);
  });

  it('deletes a tenant: 404 from then on, its keys 401, and the trail is audited', async () => {
    const tenant = await createTenant();
    const { key } = await createKey(tenant.id);
    expect((await call('DELETE', `/admin/tenants/${tenant.id}`, { headers: admin() })).status).toBe(204);
    expect((await call('GET', `/admin/tenants/${tenant.id}`, { headers: admin() })).status).toBe(404);
    expect((await call('DELETE', `/admin/tenants/${tenant.id}`, { headers: admin() })).status).toBe(404);
    expect((await call('POST', `/admin/tenants/${tenant.id}/suspend`, { headers: admin() })).status).toBe(404);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(key) })).status).toBe(401);
  });

  it('records an audit trail of admin actions', async () => {
    const tenant = await createTenant();
    const key = await createKey(tenant.id);
    await call('POST', `/admin/tenants/${tenant.id}/suspend`, { headers: admin() });
    await call('DELETE', `/admin/tenants/${tenant.id}/api-keys/${key.id}`, { headers: admin() });
    const res = await call('GET', `/admin/tenants/${tenant.id}/audit-events`, { headers: admin() });
    expect(res.body.events.map((e: { action: string }) => e.action)).toEqual([
      'api_key.revoked',
      'tenant.suspended',
      'api_key.created',
      'tenant.created',
    ]);
  });
});
