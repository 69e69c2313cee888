import { Injectable } from '@nestjs/common';
import type { Tenant } from '@hivehub/db';
import { tenantView } from '../tenants/views';

export interface TenantUsage {
  collections: number;
  vectors: number;
  backups: number;
  storage_bytes: number;
}

/**
 * A tenant's limits next to what it uses. Usage is summed from the collections
 * catalogue and the backup records; neither exists before the data plane and
 * backups are built, so until then every tenant truly uses nothing.
 */
@Injectable()
export class UsageService {
  async usageOf(_tenant: Tenant): Promise<TenantUsage> {
    return { collections: 0, vectors: 0, backups: 0, storage_bytes: 0 };
  }

  async report(tenant: Tenant) {
    const { id, name, status, plan } = tenantView(tenant);
    return { tenant: { id, name, status }, plan, usage: await this.usageOf(tenant) };
  }
}
