import { z } from 'zod';
import type { CreateCollectionConfig, Distance } from '@hivehub/shard';
import { atLeast, maybe, uint, unsupported } from './common.schema';
import { bodyObject, describe, RANGE_RULE } from './parse';

const DISTANCES: readonly Distance[] = ['Cosine', 'Euclid', 'Dot'];
const MAX_DIMENSION = 65536;

const distance = z.unknown().transform((v, ctx): Distance => {
  if (typeof v === 'string' && (DISTANCES as readonly string[]).includes(v)) return v as Distance;
  ctx.addIssue({
    code: 'custom',
    message:
      v === 'Manhattan'
        ? 'distance Manhattan is not supported; use Cosine, Euclid or Dot'
        : `unknown distance ${describe(v)}; use Cosine, Euclid or Dot`,
  });
  return z.NEVER;
});

/** The HNSW knobs HiveHub uses; Qdrant's other ones (full_scan_threshold, on_disk, ...) are accepted and ignored. */
const hnswConfig = z.object(
  {
    m: maybe(uint()),
    ef_construct: maybe(atLeast(uint(), 4)),
  },
  { error: (iss) => `expected an object, got ${describe(iss.input)}` },
);

const vectorParams = z.object({
  size: z
    .number({ error: (iss) => `expected a positive integer, got ${describe(iss.input)}` })
    .refine((v) => Number.isSafeInteger(v) && v >= 1, { error: (iss) => `expected a positive integer, got ${describe(iss.input)}`, abort: true })
    .refine((v) => v <= MAX_DIMENSION, { message: `value invalid, must be ${MAX_DIMENSION} or smaller`, params: RANGE_RULE }),
  distance,
  hnsw_config: maybe(hnswConfig),
  quantization_config: unsupported('quantization is not supported'),
  multivector_config: unsupported('multi-vectors are not supported'),
  datatype: maybe(z.literal('float32', { error: 'only float32 vectors are supported' })),
});

/**
 * `vectors` is one unnamed vector's parameters. Qdrant's named-vector map is refused,
 * except `{"": {...}}`, which is how Qdrant spells the unnamed vector.
 */
const vectorsConfig = z.unknown().transform((v, ctx) => {
  const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
  const record = v as Record<string, unknown>;
  const single = isObject && !('size' in record) && !('distance' in record) && Object.keys(record).length === 1 && '' in record ? record[''] : v;
  const isParams = typeof single === 'object' && single !== null && !Array.isArray(single) && ('size' in single || 'distance' in single);
  if (!isParams) {
    ctx.addIssue({
      code: 'custom',
      message:
        v === undefined
          ? 'vectors is required: {"size": <dimension>, "distance": "Cosine" | "Euclid" | "Dot"}'
          : isObject
            ? `named vectors are not supported (got ${Object.keys(record).map((k) => JSON.stringify(k)).join(', ') || 'an empty object'}); send {"size": <dimension>, "distance": ...}`
            : `expected {"size": <dimension>, "distance": ...}, got ${describe(v)}`,
    });
    return z.NEVER;
  }
  return single;
}).pipe(vectorParams);

export const createCollectionSchema = bodyObject({
  vectors: vectorsConfig,
  hnsw_config: maybe(hnswConfig),
  sparse_vectors: unsupported('sparse vectors are not supported'),
  quantization_config: unsupported('quantization is not supported'),
  sharding_method: maybe(z.literal('auto', { error: 'custom sharding is not supported' })),
  init_from: unsupported('init_from is not supported'),
  metadata: unsupported('collection metadata is not supported'),
  // Accepted and ignored, as tuning that has no meaning here: shard_number,
  // replication_factor, write_consistency_factor, on_disk_payload, wal_config,
  // optimizers_config, strict_mode_config, payload.
});

/** PUT /collections/{name} body → the shard's collection config. The vector's own hnsw_config wins over the collection's. */
export function toCreateConfig(body: z.output<typeof createCollectionSchema>): CreateCollectionConfig {
  const hnsw = { ...stripUndefined(body.hnsw_config ?? {}), ...stripUndefined(body.vectors.hnsw_config ?? {}) };
  return { size: body.vectors.size, distance: body.vectors.distance, ...(Object.keys(hnsw).length ? { hnsw } : {}) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
