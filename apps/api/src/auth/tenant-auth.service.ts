import { Injectable, Logger } from '@nestjs/common';
import { DomainError, secretsEqual } from '@hivehub/common';
import { InjectConfig, type ApiConfig } from '@hivehub/config';
import { ApiKeyRepository, type Tenant, TenantRepository, TenantStatus } from '@hivehub/db';
import { parseApiKey, secretMatches } from './api-key-secrets';
import { CredentialCache } from './credential-cache';
import type { Principal } from './principal';
import { SCOPES, type Scope } from './scopes';

/** Turns presented credentials into a Principal, or a DomainError a caller can act on. */
@Injectable()
export class TenantAuthService {
  private readonly logger = new Logger('auth');
  /** When this process last recorded a key's use: at most one write per key a minute. */
  private readonly lastTouched = new Map<string, number>();

  constructor(
    @InjectConfig('api') private readonly api: ApiConfig,
    private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly cache: CredentialCache,
  ) {}

  async authenticateKey(key: string, now = new Date()): Promise<Principal> {
    const parsed = parseApiKey(key);
    const found = parsed ? await this.cache.key(parsed.keyId, () => this.apiKeys.findForAuthentication(parsed.keyId)) : null;
    if (!parsed || !found || !secretMatches(parsed.secret, found.secretHash)) {
      throw new DomainError('invalid_api_key', 'invalid API key');
    }
    // From here on the caller has proven it holds the key, so saying why it fails leaks nothing.
    if (found.revokedAt) throw new DomainError('invalid_api_key', 'this API key has been revoked');
    if (found.expiresAt && found.expiresAt <= now) {
      throw new DomainError('invalid_api_key', `this API key expired at ${found.expiresAt.toISOString()}`);
    }
    this.assertUsable(found.tenant);
    this.recordUse(found.tenantId, found.id, now);
    return { tenant: found.tenant, scopes: found.scopes as Scope[], via: 'api_key', keyId: found.id };
  }

  /** The hub's own service key, acting as the tenant named by X-HiveHub-User-ID. */
  async authenticateService(serviceKey: string, userId: string | undefined): Promise<Principal> {
    // Compare against every configured key so timing does not reveal which one matched.
    const valid = this.api.serviceKeys.map((k) => secretsEqual(serviceKey, k)).includes(true);
    if (!valid) throw new DomainError('invalid_service_key', 'X-HiveHub-Service is not a valid service key');
    if (!userId) {
      throw new DomainError('unauthorized', 'X-HiveHub-User-ID (the tenant id) is required with X-HiveHub-Service');
    }
    const tenant = await this.cache.tenant(userId, () => this.tenants.findById(userId));
    if (!tenant) throw new DomainError('unknown_tenant', `X-HiveHub-User-ID names no tenant: ${userId}`);
    this.assertUsable(tenant);
    return { tenant, scopes: [...SCOPES], via: 'service' };
  }

  private recordUse(tenantId: string, keyId: string, now: Date): void {
    const last = this.lastTouched.get(keyId) ?? 0;
    if (now.getTime() - last < 60_000) return;
    if (this.lastTouched.size >= 100_000) this.lastTouched.clear();
    this.lastTouched.set(keyId, now.getTime());
    this.apiKeys.touchLastUsed(tenantId, keyId, now).catch((err: Error) => {
      this.logger.warn(`could not record last use of key ${keyId}: ${err.message}`);
    });
  }

  private assertUsable(tenant: Tenant): void {
    if (tenant.status === TenantStatus.deleted) throw new DomainError('invalid_api_key', 'invalid API key');
    if (tenant.status === TenantStatus.suspended) {
      throw new DomainError('tenant_suspended', `tenant ${tenant.id} is suspended; contact the operator`);
    }
  }
}
