import { Injectable } from '@nestjs/common';
import { Prisma, type Tenant, TenantStatus } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type { Tenant };
export { TenantStatus };

export interface NewTenant {
  id: string;
  name: string;
  maxCollections: number;
  maxVectors: bigint;
  maxBackups: number;
  maxStorageBytes: bigint;
}

/** Thrown by create when the id or name is taken. */
export class TenantExistsError extends Error {
  constructor(readonly field: string) {
    super(`tenant ${field} already exists`);
  }
}

@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tenant: NewTenant): Promise<Tenant> {
    try {
      return await this.prisma.tenant.create({ data: tenant });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        const target = JSON.stringify(err.meta ?? {});
        throw new TenantExistsError(target.includes('name') ? 'name' : 'id');
      }
      throw err;
    }
  }

  /** The tenant unless it is deleted. */
  findById(tenantId: string): Promise<Tenant | null> {
    return this.prisma.tenant.findFirst({ where: { id: tenantId, status: { not: TenantStatus.deleted } } });
  }

  /** Live tenants, oldest first, keyset-paginated by id. */
  list(limit: number, afterId?: string): Promise<Tenant[]> {
    return this.prisma.tenant.findMany({
      where: { status: { not: TenantStatus.deleted }, ...(afterId ? { id: { gt: afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Changes name or limits of a live tenant (undefined fields stay); null when there is none. */
  async update(tenantId: string, fields: Partial<Omit<NewTenant, 'id'>>): Promise<Tenant | null> {
    try {
      const { count } = await this.prisma.tenant.updateMany({
        where: { id: tenantId, status: { not: TenantStatus.deleted } },
        data: fields,
      });
      return count === 0 ? null : this.findById(tenantId);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new TenantExistsError('name');
      throw err;
    }
  }

  /** Sets the status of a live tenant; null when there is none. */
  async setStatus(tenantId: string, status: 'active' | 'suspended'): Promise<Tenant | null> {
    const { count } = await this.prisma.tenant.updateMany({
      where: { id: tenantId, status: { not: TenantStatus.deleted } },
      data: { status },
    });
    return count === 0 ? null : this.findById(tenantId);
  }

  /**
   * Soft delete: the row stays (audit, later purge of its data) but the tenant is
   * gone for every API, and its keys are revoked in the same transaction.
   */
  async softDelete(tenantId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const { count } = await tx.tenant.updateMany({
        where: { id: tenantId, status: { not: TenantStatus.deleted } },
        data: { status: TenantStatus.deleted, deletedAt: now },
      });
      if (count === 0) return false;
      await tx.apiKey.updateMany({ where: { tenantId, revokedAt: null }, data: { revokedAt: now } });
      return true;
    });
  }
}
