import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { InjectConfig, type WorkerConfig } from '@hivehub/config';
import { PlacementRepository } from '@hivehub/db';
import { DISTANCE_SIMD_LEVEL, type Shard, ShardError, ShardStore } from '@hivehub/shard';
import { NodeIdentity } from '../node/node-identity.provider';

/**
 * The shards this node holds, under <node data dir>/shards. Shards placed here are
 * opened at start (graph loaded, WAL tail replayed) so the first request is not slow;
 * how each collection loaded goes to the log and to the load metrics (the node's part
 * of the time to recover).
 */
@Injectable()
export class ShardHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('shards');
  /** Tenants whose placement on this node was confirmed in PostgreSQL. */
  private readonly placedHere = new Set<string>();
  /** Tenants whose shard this process has opened (and reported). */
  private readonly opened = new Set<string>();
  private readonly loadSeconds: Histogram<'graph'>;
  private readonly replayedRecords: Counter;
  readonly store: ShardStore;

  constructor(
    private readonly identity: NodeIdentity,
    private readonly placements: PlacementRepository,
    @InjectConfig('worker') worker: WorkerConfig,
    registry: Registry,
  ) {
    this.store = new ShardStore({ rootDir: path.join(identity.dataDir, 'shards'), checkpointEveryBytes: worker.checkpointEveryBytes });
    this.loadSeconds = new Histogram({
      name: 'hivehub_collection_load_seconds',
      help: 'Time to open a collection when its shard is opened: graph="loaded" read its checkpointed graph, graph="none" had no checkpoint; both replay the WAL written since',
      labelNames: ['graph'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.replayedRecords = new Counter({
      name: 'hivehub_collection_wal_records_replayed_total',
      help: 'WAL records replayed while opening collections (those written after their last checkpoint)',
      registers: [registry],
    });
    new Gauge({
      name: 'hivehub_vector_distance_simd_info',
      help: "The instruction set this node's graphs compute distances with (avx512, avx2 or sse: the widest the CPU has); a node on sse searches slower",
      labelNames: ['level'],
      registers: [registry],
    }).set({ level: DISTANCE_SIMD_LEVEL }, 1);
  }

  async onApplicationBootstrap(): Promise<void> {
    const tenants = await this.placements.tenantsOnNode(this.identity.id);
    for (const tenantId of tenants) {
      this.placedHere.add(tenantId);
      await this.open(tenantId);
    }
  }

  /** The tenant's shard, refusing tenants placed on another node (never two live copies). */
  async shardOf(tenantId: string): Promise<Shard> {
    if (!this.placedHere.has(tenantId)) {
      const placement = await this.placements.findForTenant(tenantId);
      if (placement?.nodeId !== this.identity.id) {
        throw new ShardError('conflict', `tenant ${tenantId} is not placed on node ${this.identity.id}`);
      }
      this.placedHere.add(tenantId);
    }
    return this.open(tenantId);
  }

  /**
   * A clean stop checkpoints every collection written since its last checkpoint (as a
   * database's shutdown checkpoint), so the restart loads graphs and replays no WAL. A
   * failed checkpoint is logged and changes nothing: its WAL is still there to replay.
   */
  async onModuleDestroy(): Promise<void> {
    for (const tenantId of this.opened) {
      const started = performance.now();
      try {
        await (await this.store.open(tenantId)).checkpoint();
        this.logger.log(`checkpointed shard of tenant ${tenantId} for the stop in ${Math.round(performance.now() - started)} ms`);
      } catch (error) {
        this.logger.warn(`could not checkpoint shard of tenant ${tenantId} before stopping (its WAL will be replayed): ${(error as Error).message}`);
      }
    }
    await this.store.closeAll();
  }

  /** The open shard (the store opens it once); the first time, reports how each of its collections loaded. */
  private async open(tenantId: string): Promise<Shard> {
    const started = performance.now();
    const shard = await this.store.open(tenantId);
    if (this.opened.has(tenantId)) return shard;
    this.opened.add(tenantId);
    const collections = Object.entries(shard.loadReport()).map(([name, report]) => {
      this.loadSeconds.observe({ graph: report.loaded_graph ? 'loaded' : 'none' }, report.load_ms / 1000);
      this.replayedRecords.inc(report.replayed_records);
      const how = report.loaded_graph ? 'graph loaded' : 'no checkpoint yet';
      const records = `${report.replayed_records} WAL record${report.replayed_records === 1 ? '' : 's'}`;
      return `${name} ${Math.round(report.load_ms)} ms (${how}, ${records} replayed)`;
    });
    this.logger.log(`opened shard of tenant ${tenantId} in ${Math.round(performance.now() - started)} ms${collections.length ? `: ${collections.join('; ')}` : ''}`);
    return shard;
  }
}
