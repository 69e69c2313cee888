import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hivehub/common';
import { AuditRepository, type Tenant, TenantExistsError, TenantRepository } from '@hivehub/db';
import { CredentialCache } from '../auth/credential-cache';
import type { CreateTenantDto, PlanDto, UpdateTenantDto } from './dto/create-tenant.dto';

export const DEFAULT_PLAN = {
  max_collections: 100,
  max_vectors: 10_000_000,
  max_backups: 50,
  max_storage_bytes: 100 * 1024 ** 3,
};

const ADMIN = 'admin';

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly audit: AuditRepository,
    private readonly credentials: CredentialCache,
  ) {}

  async create(dto: CreateTenantDto, requestId?: string): Promise<Tenant> {
    const plan = { ...DEFAULT_PLAN, ...definedOnly(dto.plan) };
    try {
      const tenant = await this.tenants.create({
        id: dto.id ?? randomUUID(),
        name: dto.name,
        maxCollections: plan.max_collections,
        maxVectors: BigInt(plan.max_vectors),
        maxBackups: plan.max_backups,
        maxStorageBytes: BigInt(plan.max_storage_bytes),
      });
      await this.audit.record(tenant.id, { actor: ADMIN, action: 'tenant.created', target: tenant.id, details: { name: tenant.name, plan }, requestId });
      return tenant;
    } catch (err) {
      if (err instanceof TenantExistsError) {
        const value = err.field === 'name' ? dto.name : dto.id;
        throw new DomainError('conflict', `a tenant with ${err.field} '${value}' already exists`);
      }
      throw err;
    }
  }

  async get(tenantId: string): Promise<Tenant> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw DomainError.notFound('tenant', tenantId);
    return tenant;
  }

  list(limit: number, cursor?: string): Promise<Tenant[]> {
    return this.tenants.list(limit, cursor);
  }

  async update(tenantId: string, dto: UpdateTenantDto, requestId?: string): Promise<Tenant> {
    const plan = definedOnly(dto.plan);
    try {
      const tenant = await this.tenants.update(tenantId, {
        name: dto.name,
        maxCollections: plan.max_collections,
        maxVectors: plan.max_vectors === undefined ? undefined : BigInt(plan.max_vectors),
        maxBackups: plan.max_backups,
        maxStorageBytes: plan.max_storage_bytes === undefined ? undefined : BigInt(plan.max_storage_bytes),
      });
      if (!tenant) throw DomainError.notFound('tenant', tenantId);
      this.credentials.forgetTenant(tenantId);
      await this.audit.record(tenantId, { actor: ADMIN, action: 'tenant.updated', target: tenantId, details: { ...dto }, requestId });
      return tenant;
    } catch (err) {
      if (err instanceof TenantExistsError) throw new DomainError('conflict', `a tenant with name '${dto.name}' already exists`);
      throw err;
    }
  }

  async setStatus(tenantId: string, status: 'active' | 'suspended', requestId?: string): Promise<Tenant> {
    const tenant = await this.tenants.setStatus(tenantId, status);
    if (!tenant) throw DomainError.notFound('tenant', tenantId);
    this.credentials.forgetTenant(tenantId);
    const action = status === 'suspended' ? 'tenant.suspended' : 'tenant.resumed';
    await this.audit.record(tenantId, { actor: ADMIN, action, target: tenantId, requestId });
    return tenant;
  }

  async delete(tenantId: string, requestId?: string): Promise<void> {
    if (!(await this.tenants.softDelete(tenantId))) throw DomainError.notFound('tenant', tenantId);
    this.credentials.forgetTenant(tenantId);
    await this.audit.record(tenantId, { actor: ADMIN, action: 'tenant.deleted', target: tenantId, requestId });
  }
}

function definedOnly(plan: PlanDto | undefined): Partial<typeof DEFAULT_PLAN> {
  return Object.fromEntries(Object.entries(plan ?? {}).filter(([, v]) => v !== undefined));
}
