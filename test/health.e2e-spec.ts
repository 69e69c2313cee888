import path from 'node:path';
import { call } from './support/client';
import { API_MAIN, freePort, startNode, waitFor } from './support/processes';
import { stackInfo } from './support/stack-info';

describe('health and API description', () => {
  it('answers liveness and readiness with every dependency up', async () => {
    expect((await call('GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    for (const check of ['postgres', 'redis', 'storage', 'nodes']) expect(ready.body.checks[check].status).toBe('up');
    expect(ready.body.checks.storage.target).toMatch(/^s3:/);
    expect(ready.body.checks.nodes.alive).toBeGreaterThanOrEqual(1);
    // Qdrant's probes, as Qdrant answers them (text), also under the /qdrant prefix.
    for (const [path, text] of [['/healthz', 'healthz check passed'], ['/livez', 'livez check passed'], ['/readyz', 'all shards are ready'], ['/qdrant/readyz', 'all shards are ready']]) {
      const probe = await call('GET', path);
      expect([probe.status, probe.text]).toEqual([200, text]);
    }
  });

  it('reports a dead dependency with 503 and says which one', async () => {
    const { env, dir } = stackInfo();
    const port = await freePort();
    const api = startNode(API_MAIN, { ...env, REDIS_URL: 'redis://127.0.0.1:1', API_PORT: String(port), API_HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'api-no-redis') }, path.join(dir, 'api-no-redis.log'));
    try {
      const report = await waitFor('readiness of the api without Redis', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
        return { status: res.status, body: (await res.json()) as any };
      });
      expect(report.status).toBe(503);
      expect(report.body.status).toBe('not_ready');
      expect(report.body.checks.redis.status).toBe('down');
      expect(report.body.checks.postgres.status).toBe('up');
      const probe = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(probe.status).toBe(503);
      expect(await probe.text()).toMatch(/^not ready: redis is down \(/);
    } finally {
      await api.stop();
    }
  });

  it('describes every route in OpenAPI at /docs', async () => {
    const doc = await call('GET', '/docs-json');
    expect(doc.status).toBe(200);
    const expected: Record<string, string[]> = {
      '/admin/tenants': ['get', 'post'],
      '/admin/tenants/{id}': ['get', 'patch', 'delete'],
      '/admin/tenants/{id}/suspend': ['post'],
      '/admin/tenants/{id}/resume': ['post'],
      '/admin/tenants/{id}/audit-events': ['get'],
      '/admin/tenants/{tenantId}/api-keys': ['get', 'post'],
      '/admin/tenants/{tenantId}/api-keys/{keyId}': ['delete'],
      '/admin/nodes': ['get'],
      '/admin/nodes/{id}': ['get', 'delete'],
      '/admin/nodes/{id}/ping': ['post'],
      '/api/hub/validate-key': ['post'],
      '/api/hub/usage': ['get'],
      '/api/hub/api-keys': ['get', 'post'],
      '/api/hub/api-keys/{keyId}': ['delete'],
      '/api/hub/backups': ['get', 'post'],
      '/api/hub/backups/{id}': ['get', 'delete'],
      '/api/hub/backups/{id}/download': ['get'],
      '/api/hub/backups/{id}/cancel': ['post'],
      '/api/hub/backups/{id}/verify': ['post'],
      '/api/hub/backups/upload': ['post'],
      '/api/hub/backups/restore': ['post'],
      '/api/hub/restores/{id}': ['get'],
      '/api/hub/backup-schedules': ['get', 'post'],
      '/api/hub/backup-schedules/{id}': ['get', 'patch', 'delete'],
      '/admin/tenants/{id}/backup-schedules': ['get', 'post'],
      '/admin/tenants/{id}/backup-schedules/{scheduleId}': ['get', 'patch', 'delete'],
      '/api/hub/restores/{id}/cancel': ['post'],
      '/health': ['get'],
      '/health/ready': ['get'],
      '/healthz': ['get'],
      '/livez': ['get'],
      '/readyz': ['get'],
      '/qdrant/healthz': ['get'],
      '/qdrant/livez': ['get'],
      '/qdrant/readyz': ['get'],
      '/metrics': ['get'],
      '/admin/tenants/{id}/placement': ['get', 'put'],
      '/': ['get'],
      '/qdrant': ['get'],
      '/stats': ['get'],
    };
    const qdrantRoutes: Record<string, string[]> = {
      '/collections': ['get'],
      '/collections/{name}': ['get', 'put', 'delete'],
      '/collections/{name}/exists': ['get'],
      '/collections/{name}/points': ['put', 'post'],
      '/collections/{name}/points/{id}': ['get'],
      '/collections/{name}/points/delete': ['post'],
      '/collections/{name}/points/count': ['post'],
      '/collections/{name}/points/scroll': ['post'],
      '/collections/{name}/points/search': ['post'],
      '/collections/{name}/points/search/batch': ['post'],
      '/collections/{name}/points/query': ['post'],
      '/collections/{name}/points/query/batch': ['post'],
    };
    for (const [route, methods] of Object.entries(qdrantRoutes)) {
      expected[route] = methods;
      expected[`/qdrant${route}`] = methods;
    }
    expect(Object.keys(doc.body.paths).sort()).toEqual(Object.keys(expected).sort());
    for (const [route, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.body.paths[route]).sort()).toEqual([...methods].sort());
    }
    expect(doc.body.components.securitySchemes).toHaveProperty('hub-service');
    const ui = await call('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers unknown routes with the error envelope and echoes X-Request-Id', async () => {
    const res = await call('GET', '/no/such/route', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', requestId: 'trace-123' });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
  });
});
