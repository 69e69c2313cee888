import { admin, bearer, call, createTenant, service, tenantWithKey } from './support/client';
import { stackInfo } from './support/stack-info';

describe('service auth (X-HiveHub-Service + X-HiveHub-User-ID)', () => {
  it('acts as the named tenant with a valid service key', async () => {
    const tenant = await createTenant();
    const usage = await call('GET', '/api/hub/usage', { headers: service(tenant.id) });
    expect(usage.status).toBe(200);
    expect(usage.body.tenant.id).toBe(tenant.id);
    const validated = await call('POST', '/api/hub/validate-key', { headers: service(tenant.id), json: {} });
    expect(validated.body).toMatchObject({ via: 'service', tenant: { id: tenant.id }, scopes: ['read', 'write', 'backup', 'admin'] });
  });

  it('refuses any other service key with 401, even next to a valid tenant key', async () => {
    const { tenant, key } = await tenantWithKey();
    for (const value of ['', 'x', `${stackInfo().serviceKey}x`, stackInfo().serviceKey.toUpperCase()]) {
      const res = await call('GET', '/api/hub/usage', {
        headers: { ...bearer(key), 'x-hivehub-service': value, 'x-hivehub-user-id': tenant.id },
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_service_key');
    }
  });

  it('needs X-HiveHub-User-ID to name a live tenant', async () => {
    const missing = await call('GET', '/api/hub/usage', { headers: { 'x-hivehub-service': stackInfo().serviceKey } });
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toContain('X-HiveHub-User-ID');
    const unknown = await call('GET', '/api/hub/usage', { headers: service('no-such-tenant') });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unknown_tenant');
    const tenant = await createTenant();
    await call('DELETE', `/admin/tenants/${tenant.id}`, { headers: admin() });
    expect((await call('GET', '/api/hub/usage', { headers: service(tenant.id) })).status).toBe(401);
  });

  it('gives 403 for a suspended tenant', async () => {
    const tenant = await createTenant();
    await call('POST', `/admin/tenants/${tenant.id}/suspend`, { headers: admin() });
    const res = await call('GET', '/api/hub/usage', { headers: service(tenant.id) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('tenant_suspended');
  });

  it('manages the tenant’s keys in service mode', async () => {
    const tenant = await createTenant();
    const made = await call('POST', '/api/hub/api-keys', { headers: service(tenant.id), json: { name: 'from-hub' } });
    expect(made.status).toBe(201);
    const listed = await call('GET', '/api/hub/api-keys', { headers: service(tenant.id) });
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toEqual([made.body.id]);
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's key, never 403", async () => {
    const a = await tenantWithKey({ scopes: ['admin'] });
    const b = await tenantWithKey({ scopes: ['admin'] });
    const res = await call('DELETE', `/api/hub/api-keys/${b.keyId}`, { headers: bearer(a.key) });
    expect(res.status).toBe(404);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(b.key) })).status).toBe(200);
    const viaService = await call('DELETE', `/api/hub/api-keys/${b.keyId}`, { headers: service(a.tenant.id) });
    expect(viaService.status).toBe(404);
    const viaAdminWrongTenant = await call('DELETE', `/admin/tenants/${a.tenant.id}/api-keys/${b.keyId}`, { headers: admin() });
    expect(viaAdminWrongTenant.status).toBe(404);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(b.key) })).status).toBe(200);
  });

  it("lists only the acting tenant's keys and reports only its own usage", async () => {
    const a = await tenantWithKey({ scopes: ['admin', 'read'] });
    const b = await tenantWithKey({ scopes: ['admin', 'read'] });
    const listed = await call('GET', '/api/hub/api-keys', { headers: bearer(a.key) });
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toEqual([a.keyId]);
    expect((await call('GET', '/api/hub/usage', { headers: bearer(a.key) })).body.tenant.id).toBe(a.tenant.id);
    expect(b.tenant.id).not.toBe(a.tenant.id);
  });
});
