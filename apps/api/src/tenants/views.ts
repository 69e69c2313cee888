import type { ApiKey, Tenant } from '@hivehub/db';

/** The public shape of a tenant; limits as plain numbers (JSON has no bigint). */
export function tenantView(t: Tenant) {
  return {
    id: t.id,
    name: t.name,
    status: t.status,
    plan: {
      max_collections: t.maxCollections,
      max_vectors: Number(t.maxVectors),
      max_backups: t.maxBackups,
      max_storage_bytes: Number(t.maxStorageBytes),
    },
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

/** A key as listed: never the secret nor its hash. */
export function apiKeyView(k: ApiKey, now = new Date()) {
  const status = k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active';
  return {
    id: k.id,
    tenant_id: k.tenantId,
    name: k.name,
    scopes: k.scopes,
    status,
    expires_at: k.expiresAt?.toISOString() ?? null,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    created_at: k.createdAt.toISOString(),
  };
}
