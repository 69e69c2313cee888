import { Injectable } from '@nestjs/common';
import { DomainError } from '@hivehub/common';
import { type ApiKey, ApiKeyRepository, AuditRepository } from '@hivehub/db';
import { mintApiKey } from '../auth/api-key-secrets';
import { CredentialCache } from '../auth/credential-cache';
import { DEFAULT_KEY_SCOPES } from '../auth/scopes';
import type { CreateApiKeyDto } from './dto/create-api-key.dto';
import { TenantsService } from './tenants.service';

/** Key lifecycle for one tenant, used by the operator's routes and the tenant's own. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeyRepository,
    private readonly audit: AuditRepository,
    private readonly credentials: CredentialCache,
  ) {}

  /** Returns the row and the full key: the only time the key exists outside its holder. */
  async create(tenantId: string, dto: CreateApiKeyDto, actor: string, requestId?: string): Promise<{ row: ApiKey; key: string }> {
    await this.tenants.get(tenantId);
    const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new DomainError('validation_failed', 'expires_at must be in the future');
    }
    const minted = mintApiKey();
    const row = await this.apiKeys.create(tenantId, {
      id: minted.keyId,
      name: dto.name,
      secretHash: minted.secretHash,
      scopes: dto.scopes ?? DEFAULT_KEY_SCOPES,
      expiresAt,
    });
    await this.audit.record(tenantId, { actor, action: 'api_key.created', target: row.id, details: { name: row.name, scopes: row.scopes }, requestId });
    return { row, key: minted.key };
  }

  async list(tenantId: string): Promise<ApiKey[]> {
    await this.tenants.get(tenantId);
    return this.apiKeys.listForTenant(tenantId);
  }

  async revoke(tenantId: string, keyId: string, actor: string, requestId?: string): Promise<void> {
    await this.tenants.get(tenantId);
    if (!(await this.apiKeys.revoke(tenantId, keyId))) throw DomainError.notFound('API key', keyId);
    this.credentials.forgetKey(keyId);
    await this.audit.record(tenantId, { actor, action: 'api_key.revoked', target: keyId, requestId });
  }
}
