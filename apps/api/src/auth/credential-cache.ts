import { Injectable } from '@nestjs/common';
import type { ApiKey, Tenant } from '@hivehub/db';

/**
 * How long an api process trusts what it read about a key or tenant. Changes made
 * through this process (revoke, suspend, delete) drop the entry at once; other api
 * processes see them within this bound.
 */
export const CREDENTIAL_CACHE_TTL_MS = 1000;
const MAX_ENTRIES = 100_000;

interface Entry<T> {
  value: T;
  until: number;
}

/** Short-lived copies of key and tenant rows, so a data request costs no PostgreSQL round trip. */
@Injectable()
export class CredentialCache {
  private readonly keys = new Map<string, Entry<(ApiKey & { tenant: Tenant }) | null>>();
  private readonly tenants = new Map<string, Entry<Tenant | null>>();

  async key(keyId: string, load: () => Promise<(ApiKey & { tenant: Tenant }) | null>) {
    return this.through(this.keys, keyId, load);
  }

  async tenant(tenantId: string, load: () => Promise<Tenant | null>) {
    return this.through(this.tenants, tenantId, load);
  }

  forgetKey(keyId: string): void {
    this.keys.delete(keyId);
  }

  /** After a tenant changes (status, plan, deletion): drop it and every cached key of it. */
  forgetTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
    for (const [keyId, entry] of this.keys) if (entry.value?.tenantId === tenantId) this.keys.delete(keyId);
  }

  private async through<T>(map: Map<string, Entry<T>>, id: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = map.get(id);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(id, { value, until: now + CREDENTIAL_CACHE_TTL_MS });
    return value;
  }
}
