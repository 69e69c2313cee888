import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { admin, bearer, call, createKey, createTenant, tenantWithKey } from './support/client';
import { stackInfo } from './support/stack-info';

describe('API keys', () => {
  it('shows the key once; listings never carry the secret', async () => {
    const tenant = await createTenant();
    const created = await createKey(tenant.id, { name: 'ingest', scopes: ['read'] });
    expect(created.key).toMatch(/^hh_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'ingest', scopes: ['read'], status: 'active' });
    const secret = created.key.split('_').slice(2).join('_');
    const list = await call('GET', `/admin/tenants/${tenant.id}/api-keys`, { headers: admin() });
    expect(list.body.api_keys).toHaveLength(1);
    expect(list.body.api_keys[0]).not.toHaveProperty('key');
    expect(list.text).not.toContain(secret);
  });

  it('stores only a sha256 of the secret in PostgreSQL', async () => {
    const { tenant, key, keyId } = await tenantWithKey();
    const db = new Client({ connectionString: stackInfo().env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT * FROM api_keys WHERE tenant_id = $1', [tenant.id]);
      expect(rows).toHaveLength(1);
      const secret = key.split('_').slice(2).join('_');
      expect(rows[0].id).toBe(keyId);
      expect(rows[0].secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(JSON.stringify(rows[0])).not.toContain(secret);
    } finally {
      await db.end();
    }
  });

  it('authenticates by Authorization: Bearer and by the api-key header, and records last use', async () => {
    const { tenant, key, keyId } = await tenantWithKey();
    const byBearer = await call('GET', '/api/hub/usage', { headers: bearer(key) });
    expect(byBearer.status).toBe(200);
    expect(byBearer.body.tenant.id).toBe(tenant.id);
    const byHeader = await call('GET', '/api/hub/usage', { headers: { 'api-key': key } });
    expect(byHeader.status).toBe(200);
    const listed = await call('GET', `/admin/tenants/${tenant.id}/api-keys`, { headers: admin() });
    const row = listed.body.api_keys.find((k: { id: string }) => k.id === keyId);
    expect(row.last_used_at).not.toBeNull();
  });

  it('refuses missing, malformed and unknown keys with 401', async () => {
    const { key } = await tenantWithKey();
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const attempts: Record<string, string>[] = [{}, bearer('nonsense'), bearer(tampered), { 'api-key': 'hh_000000000000_x' }];
    for (const headers of attempts) {
      const res = await call('GET', '/api/hub/usage', { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toMatch(/unauthorized|invalid_api_key/);
    }
  });

  it('revokes a key: 401 from then on, and revoking twice is 404', async () => {
    const { tenant, key, keyId } = await tenantWithKey();
    expect((await call('DELETE', `/admin/tenants/${tenant.id}/api-keys/${keyId}`, { headers: admin() })).status).toBe(204);
    const res = await call('GET', '/api/hub/usage', { headers: bearer(key) });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('revoked');
    expect((await call('DELETE', `/admin/tenants/${tenant.id}/api-keys/${keyId}`, { headers: admin() })).status).toBe(404);
    const listed = await call('GET', `/admin/tenants/${tenant.id}/api-keys`, { headers: admin() });
    expect(listed.body.api_keys[0]).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
  });

  it('expires a key at expires_at, and refuses an expiry in the past', async () => {
    const tenant = await createTenant();
    const past = await call('POST', `/admin/tenants/${tenant.id}/api-keys`, { headers: admin(), json: { name: 'old', expires_at: '2001-01-01T00:00:00Z' } });
    expect(past.status).toBe(422);
    const soon = await createKey(tenant.id, { expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await call('GET', '/api/hub/usage', { headers: bearer(soon.key) })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1800));
    const expired = await call('GET', '/api/hub/usage', { headers: bearer(soon.key) });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toContain('expired');
  });

  it('enforces scopes: a read-only key cannot manage keys', async () => {
    const { key } = await tenantWithKey({ scopes: ['read'] });
    const res = await call('GET', '/api/hub/api-keys', { headers: bearer(key) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_scope');
    const badScope = await call('POST', '/admin/tenants/whatever/api-keys', { headers: admin(), json: { name: 'x', scopes: ['root'] } });
    expect(badScope.status).toBe(422);
  });

  it('lets a tenant admin key manage its own keys', async () => {
    const { tenant, key } = await tenantWithKey({ scopes: ['admin'] });
    const made = await call('POST', '/api/hub/api-keys', { headers: bearer(key), json: { name: 'self-made', scopes: ['read'] } });
    expect(made.status).toBe(201);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(made.body.key) })).body.tenant.id).toBe(tenant.id);
    expect((await call('DELETE', `/api/hub/api-keys/${made.body.id}`, { headers: bearer(key) })).status).toBe(204);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(made.body.key) })).status).toBe(401);
  });

  it('validate-key names the tenant and scopes of a key', async () => {
    const { tenant, key, keyId } = await tenantWithKey({ scopes: ['read', 'backup'] });
    const res = await call('POST', '/api/hub/validate-key', { json: { key } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true, tenant: { id: tenant.id }, scopes: ['read', 'backup'], key_id: keyId, via: 'api_key' });
    const byHeader = await call('POST', '/api/hub/validate-key', { headers: bearer(key), json: {} });
    expect(byHeader.body.tenant.id).toBe(tenant.id);
    expect((await call('POST', '/api/hub/validate-key', { json: { key: 'hh_nope' } })).status).toBe(401);
  });
});
