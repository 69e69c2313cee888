import { CreateCollectionConfig } from './ops';
import { CollectionConfig, Distance, HnswConfig, ShardError } from './types';

export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
export const MAX_VECTOR_SIZE = 65536;
export const DEFAULT_HNSW: Readonly<HnswConfig> = Object.freeze({ m: 16, ef_construct: 100, ef: 64 });
const DISTANCES: readonly Distance[] = ['Cosine', 'Euclid', 'Dot'];

/** Ranges hnswlib copes with; beyond them memory or build time explodes for no recall gain. */
const HNSW_LIMITS: Record<keyof HnswConfig, [number, number]> = {
  m: [2, 128],
  ef_construct: [4, 4096],
  ef: [1, 65536],
};

export function assertCollectionName(raw: unknown): string {
  if (typeof raw !== 'string' || !COLLECTION_NAME_PATTERN.test(raw)) {
    throw new ShardError('bad_request', `invalid collection name ${JSON.stringify(raw)}: use 1-255 letters, digits, "_" or "-"`);
  }
  return raw;
}

/** Validates a create request and fills the defaults; the result is what config.json stores. */
export function resolveCollectionConfig(raw: unknown): CollectionConfig {
  if (raw === null || typeof raw !== 'object') throw new ShardError('bad_request', 'config must be an object');
  const config = raw as Partial<CreateCollectionConfig>;
  const { size, distance } = config;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_VECTOR_SIZE) {
    throw new ShardError('bad_request', `config.size must be an integer from 1 to ${MAX_VECTOR_SIZE}, got ${String(size)}`);
  }
  if (typeof distance !== 'string' || !DISTANCES.includes(distance as Distance)) {
    throw new ShardError('bad_request', `config.distance must be one of ${DISTANCES.join(', ')}, got ${String(distance)}`);
  }
  const hnswInput = config.hnsw ?? {};
  if (hnswInput === null || typeof hnswInput !== 'object') throw new ShardError('bad_request', 'config.hnsw must be an object');
  const hnsw = { ...DEFAULT_HNSW };
  for (const key of Object.keys(hnswInput) as (keyof HnswConfig)[]) {
    const limits = HNSW_LIMITS[key];
    if (!limits) throw new ShardError('bad_request', `config.hnsw.${String(key)} is not a supported parameter (m, ef_construct, ef)`);
    const value = hnswInput[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < limits[0] || value > limits[1]) {
      throw new ShardError('bad_request', `config.hnsw.${key} must be an integer from ${limits[0]} to ${limits[1]}, got ${String(value)}`);
    }
    hnsw[key] = value;
  }
  return { size, distance: distance as Distance, hnsw };
}
