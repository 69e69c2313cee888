import { randomUUID } from 'node:crypto';
import { stackInfo } from './stack-info';

export interface Reply<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** One HTTP call to the running api (or the one at `baseUrl`); the body is parsed when it is JSON. */
export async function call<T = any>(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown; raw?: string; baseUrl?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.raw;
  }
  const res = await fetch(`${options.baseUrl ?? stackInfo().apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export const admin = () => ({ authorization: `Bearer ${stackInfo().adminToken}` });
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const service = (tenantId: string) => ({ 'x-hivehub-service': stackInfo().serviceKey, 'x-hivehub-user-id': tenantId });

/** A fresh tenant of this test, named uniquely. */
export async function createTenant(body: Record<string, unknown> = {}): Promise<{ id: string; name: string; [k: string]: any }> {
  const res = await call('POST', '/admin/tenants', { headers: admin(), json: { name: `t-${randomUUID()}`, ...body } });
  if (res.status !== 201) throw new Error(`creating a tenant answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function createKey(tenantId: string, body: Record<string, unknown> = {}): Promise<{ id: string; key: string; [k: string]: any }> {
  const res = await call('POST', `/admin/tenants/${tenantId}/api-keys`, { headers: admin(), json: { name: 'test key', ...body } });
  if (res.status !== 201) throw new Error(`creating a key answered ${res.status}: ${res.text}`);
  return res.body;
}

/** A tenant with one key of the default scopes. */
export async function tenantWithKey(keyBody: Record<string, unknown> = {}) {
  const tenant = await createTenant();
  const key = await createKey(tenant.id, keyBody);
  return { tenant, key: key.key, keyId: key.id };
}
