// Test support for this folder's specs (no jest globals, so it compiles with the app).
import { Global, type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { createMetricsRegistry, DomainError } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import { requestVector, type CollectionInfo, type PointStruct, type ScoredPoint, type SearchRequest, type ShardOp, type ShardOpArgs, type ShardOpResult } from '@hivehub/shard';
import { TenantAuthGuard } from '../../auth/tenant-auth.guard';
import { TenantAuthService } from '../../auth/tenant-auth.service';
import type { Principal } from '../../auth/principal';
import type { Scope } from '../../auth/scopes';
import { DataPlaneModule } from '../../data-plane/data-plane.module';
import { ErrorFilter } from '../../http/error.filter';
import { configureHttpApp, httpAdapter } from '../../http/http-app';
import { HttpMetrics } from '../../metrics/http-metrics';
import { DataPlane } from '../data-plane.port';
import { QdrantModule } from '../qdrant.module';
import { QdrantSearchRoute } from '../qdrant-search.route';

export const TENANT = { id: 'tenant-1', name: 'acme', status: 'active', maxCollections: 3, maxVectors: BigInt(1000), maxStorageBytes: BigInt(1_000_000) } as unknown as Tenant;

/** Keys the fake auth accepts: rw (read + write), ro (read only); "suspended" is a suspended tenant's key. */
const KEYS: Record<string, Scope[]> = { rw: ['read', 'write'], ro: ['read'] };

class FakeTenantAuth {
  async authenticateKey(key: string): Promise<Principal> {
    if (key === 'suspended') throw new DomainError('tenant_suspended', 'tenant tenant-1 is suspended; contact the operator');
    const scopes = KEYS[key];
    if (!scopes) throw new DomainError('invalid_api_key', 'invalid API key');
    return { tenant: TENANT, scopes, via: 'api_key', keyId: key };
  }

  async authenticateService(): Promise<Principal> {
    throw new DomainError('invalid_service_key', 'X-HiveHub-Service is not a valid service key');
  }
}

@Global()
@Module({ providers: [{ provide: TenantAuthService, useClass: FakeTenantAuth }, TenantAuthGuard], exports: [TenantAuthService, TenantAuthGuard] })
class FakeAuthModule {}

@Module({})
class NoDataPlaneModule {}

/** The api's request-duration metric, as MetricsModule provides it, without the cluster metrics (they need PostgreSQL). */
@Global()
@Module({ providers: [{ provide: Registry, useFactory: createMetricsRegistry }, HttpMetrics], exports: [Registry, HttpMetrics] })
class HttpMetricsModule {}

interface Collection {
  info: Omit<CollectionInfo, 'points_count'>;
  /** Vectors as numbers again (the api sends them packed). */
  points: Map<string, PointStruct & { vector: number[] }>;
}

/** An in-memory shard with the engine's contract, enough to check translation; every call is recorded. */
export class FakeDataPlane extends DataPlane {
  readonly calls: { op: ShardOp; args: unknown }[] = [];
  private readonly collections = new Map<string, Collection>();
  private lsn = 0;

  async call<K extends ShardOp>(_tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<ShardOpResult<K>> {
    this.calls.push({ op, args });
    return (this as unknown as Record<string, (a: unknown) => unknown>)[op](args) as ShardOpResult<K>;
  }

  lastArgs<K extends ShardOp>(op: K): ShardOpArgs<K> {
    return [...this.calls].reverse().find((c) => c.op === op)?.args as ShardOpArgs<K>;
  }

  private view(c: Collection): CollectionInfo {
    return { ...c.info, points_count: c.points.size };
  }

  private get(name: string): Collection {
    const c = this.collections.get(name);
    if (!c) throw new DomainError('not_found', `Not found: Collection \`${name}\` doesn't exist!`);
    return c;
  }

  listCollections() {
    return [...this.collections.values()].map((c) => this.view(c));
  }
  getCollection({ collection }: ShardOpArgs<'getCollection'>) {
    return this.view(this.get(collection));
  }
  createCollection({ collection, config, max_collections }: ShardOpArgs<'createCollection'>) {
    if (this.collections.has(collection)) throw new DomainError('conflict', `Wrong input: Collection \`${collection}\` already exists!`);
    if (max_collections !== undefined && this.collections.size >= max_collections) throw new DomainError('quota_exceeded', 'collection limit reached');
    const hnsw = { m: 16, ef_construct: 100, ef: 64, ...config.hnsw };
    const info = { name: collection, status: 'green' as const, config: { size: config.size, distance: config.distance, hnsw }, lsn: 0, segments_count: 0, stored_bytes: 0 };
    this.collections.set(collection, { info, points: new Map() });
    return this.view(this.collections.get(collection)!);
  }
  deleteCollection({ collection }: ShardOpArgs<'deleteCollection'>) {
    return { deleted: this.collections.delete(collection) };
  }
  upsert({ collection, points, wait, max_points }: ShardOpArgs<'upsert'>) {
    const c = this.get(collection);
    const size = c.info.config.size;
    const unpacked = points.map((p) => {
      const dim = Array.isArray(p.vector) ? p.vector.length : Buffer.from(p.vector.f32, 'base64').length / 4;
      if (dim !== size) throw new DomainError('bad_request', `Wrong input: Vector dimension error: expected dim: ${size}, got ${dim}`);
      return { ...p, vector: Array.from(requestVector(p.vector, size, 'vector')) };
    });
    if (max_points !== undefined && c.points.size + points.length > max_points) throw new DomainError('quota_exceeded', 'vector limit reached');
    for (const p of unpacked) c.points.set(String(p.id), p);
    return { operation_id: ++this.lsn, status: wait ? ('completed' as const) : ('acknowledged' as const) };
  }
  deletePoints({ collection, selector, wait }: ShardOpArgs<'deletePoints'>) {
    const c = this.get(collection);
    if ('points' in selector) for (const id of selector.points) c.points.delete(String(id));
    return { operation_id: ++this.lsn, status: wait ? ('completed' as const) : ('acknowledged' as const) };
  }
  retrieve({ collection, ids, with_payload, with_vector }: ShardOpArgs<'retrieve'>) {
    const c = this.get(collection);
    return ids.flatMap((id) => {
      const p = c.points.get(String(id));
      return p ? [{ id: p.id, ...(with_payload ? { payload: p.payload ?? null } : {}), ...(with_vector ? { vector: p.vector } : {}) }] : [];
    });
  }
  search({ collection, request }: ShardOpArgs<'search'>): ScoredPoint[] {
    return this.searchOne(this.get(collection), request);
  }
  searchBatch({ collection, requests }: ShardOpArgs<'searchBatch'>) {
    return requests.map((r) => this.searchOne(this.get(collection), r));
  }
  scroll({ collection, request }: ShardOpArgs<'scroll'>) {
    const all = this.sorted(this.get(collection)).filter((p) => request.offset === undefined || request.offset === null || Number(p.id) >= Number(request.offset));
    const limit = request.limit ?? 10;
    const page = all.slice(0, limit).map((p) => ({ id: p.id, ...(request.with_payload ? { payload: p.payload ?? null } : {}), ...(request.with_vector ? { vector: p.vector } : {}) }));
    return { points: page, next_page_offset: all[limit]?.id ?? null };
  }
  count({ collection }: ShardOpArgs<'count'>) {
    return { count: this.get(collection).points.size };
  }

  private sorted(c: Collection) {
    return [...c.points.values()].sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Dot product ranking: enough to tell that the vector, limit and offset arrived. */
  private searchOne(c: Collection, r: SearchRequest): ScoredPoint[] {
    const query = requestVector(r.vector, c.info.config.size, 'vector');
    const scored = this.sorted(c).map((p) => ({ p, score: p.vector.reduce((s, x, i) => s + x * (query[i] ?? 0), 0) }));
    scored.sort((a, b) => b.score - a.score);
    return scored
      .slice(r.offset ?? 0, (r.offset ?? 0) + r.limit)
      .map(({ p, score }) => ({ id: p.id, version: 1, score, ...(r.with_payload ? { payload: p.payload ?? null } : {}), ...(r.with_vector ? { vector: p.vector } : {}) }));
  }
}

/** The real QdrantModule (controllers, the search route, filter, guard, global pipe and filter as main.ts sets them) over a fake data plane and fake key lookup. */
export async function qdrantTestApp(dataPlane = new FakeDataPlane()): Promise<{ app: INestApplication; dataPlane: FakeDataPlane }> {
  const moduleRef = await Test.createTestingModule({
    imports: [FakeAuthModule, HttpMetricsModule, QdrantModule],
    providers: [{ provide: APP_FILTER, useClass: ErrorFilter }],
  })
    .overrideModule(DataPlaneModule)
    .useModule(NoDataPlaneModule)
    .overrideProvider(DataPlane)
    .useValue(dataPlane)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(httpAdapter('1mb'), { logger: false, bodyParser: false });
  configureHttpApp(app);
  app.get(QdrantSearchRoute).serveFirstOn(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, dataPlane };
}
