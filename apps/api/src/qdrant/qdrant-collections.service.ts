import { Injectable } from '@nestjs/common';
import { DomainError } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import type { CreateCollectionConfig } from '@hivehub/shard';
import { DataPlane } from './data-plane.port';
import { collectionInfoView, statsView } from './qdrant-views';
import { assertNewCollectionName, collectionNotFound, couldExist } from './schemas/collection-name';

/** Collection routes: catalogue operations on the tenant's shard, answered in Qdrant's shapes. */
@Injectable()
export class QdrantCollectionsService {
  constructor(private readonly dataPlane: DataPlane) {}

  async list(tenant: Tenant) {
    const collections = await this.dataPlane.call(tenant, 'listCollections', {});
    return { collections: collections.map((c) => ({ name: c.name })) };
  }

  async get(tenant: Tenant, collection: string) {
    if (!couldExist(collection)) throw collectionNotFound(collection);
    return collectionInfoView(await this.dataPlane.call(tenant, 'getCollection', { collection }));
  }

  async exists(tenant: Tenant, collection: string): Promise<{ exists: boolean }> {
    if (!couldExist(collection)) return { exists: false };
    try {
      await this.dataPlane.call(tenant, 'getCollection', { collection });
      return { exists: true };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'not_found') return { exists: false };
      throw err;
    }
  }

  /** The tenant's plan caps its collections; the shard refuses the one past the cap. */
  async create(tenant: Tenant, collection: string, config: CreateCollectionConfig): Promise<true> {
    assertNewCollectionName(collection);
    await this.dataPlane.call(tenant, 'createCollection', { collection, config, max_collections: tenant.maxCollections });
    return true;
  }

  /**
   * Qdrant answers 200 with `false` for a collection that does not exist (and the
   * official client's recreateCollection relies on delete succeeding then).
   */
  async delete(tenant: Tenant, collection: string): Promise<boolean> {
    if (!couldExist(collection)) return false;
    try {
      const { deleted } = await this.dataPlane.call(tenant, 'deleteCollection', { collection });
      return deleted;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'not_found') return false;
      throw err;
    }
  }

  async stats(tenant: Tenant) {
    return statsView(await this.dataPlane.call(tenant, 'listCollections', {}));
  }
}
