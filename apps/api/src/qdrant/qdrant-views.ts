import type { CollectionInfo, RetrievedPoint, ScoredPoint } from '@hivehub/shard';

/**
 * GET /collections/{name} in Qdrant's CollectionInfo shape. What HiveHub does not
 * have (optimizers, WAL tuning, quantization) is reported as Qdrant's defaults, so
 * clients that read those fields find the types they expect.
 */
export function collectionInfoView(info: CollectionInfo) {
  return {
    status: info.status,
    optimizer_status: 'ok' as const,
    // Every point is in the HNSW graph as soon as it is written.
    vectors_count: info.points_count,
    indexed_vectors_count: info.points_count,
    points_count: info.points_count,
    segments_count: info.segments_count,
    config: {
      params: {
        vectors: { size: info.config.size, distance: info.config.distance },
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: false,
      },
      hnsw_config: {
        m: info.config.hnsw.m,
        ef_construct: info.config.hnsw.ef_construct,
        full_scan_threshold: 10000,
        max_indexing_threads: 0,
        on_disk: false,
      },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        max_segment_size: null,
        memmap_threshold: null,
        indexing_threshold: 0,
        flush_interval_sec: 5,
        max_optimization_threads: null,
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      quantization_config: null,
      strict_mode_config: { enabled: false },
    },
    payload_schema: {},
  };
}

/** GET /stats: the acting tenant's collections, from the shard's own catalogue. */
export function statsView(collections: CollectionInfo[]) {
  const rows = collections.map((c) => ({ name: c.name, vectors_count: c.points_count, dimension: c.config.size, distance: c.config.distance }));
  return { collections: rows, total_collections: rows.length, total_vectors: rows.reduce((sum, r) => sum + r.vectors_count, 0) };
}

/** Query API points without a query: Qdrant answers records in id order with score 1 and version 0. */
export function scrolledAsScored(points: RetrievedPoint[]): ScoredPoint[] {
  return points.map((p) => ({ id: p.id, version: 0, score: 1, ...withOptional(p) }));
}

function withOptional(p: RetrievedPoint): Partial<Pick<RetrievedPoint, 'payload' | 'vector'>> {
  return { ...(p.payload !== undefined ? { payload: p.payload } : {}), ...(p.vector !== undefined ? { vector: p.vector } : {}) };
}
