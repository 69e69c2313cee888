import { Injectable } from '@nestjs/common';
import { DomainError } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import {
  packVector,
  type CountRequest,
  type PointId,
  type PointsSelector,
  type PointStruct,
  type RetrievedPoint,
  type RetrieveRequest,
  type ScrollRequest,
  type ScrollResult,
  type WriteResult,
} from '@hivehub/shard';
import { DataPlane } from './data-plane.port';
import { assertCouldExist } from './schemas/collection-name';

/** Point writes and reads by id, scroll and count: parsed Qdrant requests in, the shard's answers out. */
@Injectable()
export class QdrantPointsService {
  constructor(private readonly dataPlane: DataPlane) {}

  /**
   * The tenant's plan caps its vectors across all collections; the shard refuses a write
   * past it, writing nothing. Vectors travel to the node packed (PackedVector).
   */
  upsert(tenant: Tenant, collection: string, points: PointStruct[], wait: boolean): Promise<WriteResult> {
    assertCouldExist(collection);
    return this.dataPlane.call(tenant, 'upsert', {
      collection,
      points: points.map((point) => ({ ...point, vector: packVector(point.vector as number[]) })),
      wait,
      max_points: Number(tenant.maxVectors),
      max_bytes: Number(tenant.maxStorageBytes),
    });
  }

  delete(tenant: Tenant, collection: string, selector: PointsSelector, wait: boolean): Promise<WriteResult> {
    assertCouldExist(collection);
    return this.dataPlane.call(tenant, 'deletePoints', { collection, selector, wait });
  }

  retrieve(tenant: Tenant, collection: string, request: RetrieveRequest): Promise<RetrievedPoint[]> {
    assertCouldExist(collection);
    return this.dataPlane.call(tenant, 'retrieve', { collection, ...request });
  }

  /** GET /points/{id} answers with payload and vector, as Qdrant does. */
  async getOne(tenant: Tenant, collection: string, id: PointId): Promise<RetrievedPoint> {
    const [point] = await this.retrieve(tenant, collection, { ids: [id], with_payload: true, with_vector: true });
    if (!point) throw new DomainError('not_found', `Not found: Point with id ${id} does not exists!`);
    return point;
  }

  scroll(tenant: Tenant, collection: string, request: ScrollRequest): Promise<ScrollResult> {
    assertCouldExist(collection);
    return this.dataPlane.call(tenant, 'scroll', { collection, request });
  }

  count(tenant: Tenant, collection: string, request: CountRequest): Promise<{ count: number }> {
    assertCouldExist(collection);
    return this.dataPlane.call(tenant, 'count', { collection, request });
  }
}
