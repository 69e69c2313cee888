import { Injectable } from '@nestjs/common';
import type { ApiKey, Tenant } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type { ApiKey };

export interface NewApiKey {
  id: string;
  name: string;
  secretHash: string;
  scopes: string[];
  expiresAt: Date | null;
}

/** How often lastUsedAt is written at most: one write per key per interval, not per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tenantId: string, key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: { ...key, tenantId } });
  }

  listForTenant(tenantId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' } });
  }

  /** Revokes a key of this tenant; false when the tenant has no such unrevoked key. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { tenantId, id: keyId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count > 0;
  }

  /**
   * The one lookup not scoped by tenant: authentication, where the key id embedded in
   * the presented key is all we know. The caller must verify the secret hash.
   */
  findForAuthentication(keyId: string): Promise<(ApiKey & { tenant: Tenant }) | null> {
    return this.prisma.apiKey.findUnique({ where: { id: keyId }, include: { tenant: true } });
  }

  async touchLastUsed(tenantId: string, keyId: string, now = new Date()): Promise<void> {
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await this.prisma.apiKey.updateMany({
      where: { tenantId, id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }
}
