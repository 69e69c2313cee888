/**
 * The shard engine's public contract: what a worker node calls, what travels (as
 * JSON) between the api and a node. Field names follow Qdrant's REST API so the
 * api layer can pass Qdrant bodies through with little translation.
 */

/** An unsigned integer (safe range) or a UUID, normalised to lowercase hyphenated form. */
export type PointId = number | string;
export type Distance = 'Cosine' | 'Euclid' | 'Dot';
export type Payload = Record<string, unknown>;

export interface HnswConfig {
  /** Graph degree (hnswlib M). Default 16. */
  m: number;
  /** Build-time candidate list size. Default 100. */
  ef_construct: number;
  /** Default search-time candidate list size (raised to `limit + offset` when smaller). Default 64. */
  ef: number;
}

export interface CollectionConfig {
  size: number;
  distance: Distance;
  hnsw: HnswConfig;
}

export interface CollectionInfo {
  name: string;
  status: 'green';
  config: CollectionConfig;
  points_count: number;
  /**
   * Bytes this collection stores for the tenant: per live point, `size × 4` (its
   * float32 vector) + the UTF-8 byte length of its payload JSON (`{}` = 2). What
   * upsert's `max_bytes` is checked against (summed over the tenant's collections).
   */
  stored_bytes: number;
  /** Last WAL sequence number applied to this collection. */
  lsn: number;
  /** Immutable segment files on disk (0 before the first checkpoint). */
  segments_count: number;
}

export interface PointStruct {
  id: PointId;
  vector: number[] | PackedVector;
  payload?: Payload | null;
}

// Qdrant filters ---------------------------------------------------------------

export type Condition =
  | FieldCondition
  | { is_empty: { key: string } }
  | { is_null: { key: string } }
  | { has_id: PointId[] }
  | Filter;

export interface FieldCondition {
  key: string;
  match?: { value: string | number | boolean } | { any: (string | number)[] } | { except: (string | number)[] };
  range?: { gt?: number; gte?: number; lt?: number; lte?: number };
}

export interface Filter {
  must?: Condition | Condition[];
  should?: Condition | Condition[];
  must_not?: Condition | Condition[];
}

// Requests and results -----------------------------------------------------------

/** true: whole payload; false: none; list: only these top-level keys. */
export type WithPayload = boolean | string[];

/**
 * A vector as base64 of its little-endian float32 bytes (`packVector`): how the api
 * sends upserted and query vectors to a node. The shard stores float32 anyway, so
 * nothing is lost, and printing and parsing a vector's numbers as JSON costs more than
 * the search itself at 768 dimensions.
 */
export interface PackedVector {
  f32: string;
}

export interface SearchRequest {
  vector: number[] | PackedVector;
  limit: number;
  offset?: number;
  filter?: Filter | null;
  with_payload?: WithPayload;
  with_vector?: boolean;
  /** Cosine/Dot: keep scores >= threshold; Euclid: keep distances <= threshold (Qdrant's rule). */
  score_threshold?: number | null;
  params?: { hnsw_ef?: number; exact?: boolean };
}

export interface ScoredPoint {
  id: PointId;
  /** LSN of the write that last changed this point (Qdrant's `version`). */
  version: number;
  /** Cosine: similarity; Dot: dot product; Euclid: L2 distance (not squared). */
  score: number;
  payload?: Payload | null;
  vector?: number[] | null;
}

export interface RetrievedPoint {
  id: PointId;
  payload?: Payload | null;
  vector?: number[] | null;
}

export interface RetrieveRequest {
  ids: PointId[];
  with_payload?: WithPayload;
  with_vector?: boolean;
}

export interface ScrollRequest {
  filter?: Filter | null;
  limit?: number;
  /** Start from this id (inclusive). Ids order: integers ascending, then UUIDs ascending. */
  offset?: PointId | null;
  with_payload?: WithPayload;
  with_vector?: boolean;
}

export interface ScrollResult {
  points: RetrievedPoint[];
  next_page_offset: PointId | null;
}

export interface CountRequest {
  filter?: Filter | null;
  exact?: boolean;
}

export type PointsSelector = { points: PointId[] } | { filter: Filter };

export interface WriteOptions {
  /** true: the write is fsynced to the WAL before the call returns. false: appended, fsynced soon after. */
  wait: boolean;
}

export interface WriteResult {
  /** The WAL sequence number of this write. */
  operation_id: number;
  status: 'acknowledged' | 'completed';
}

/** Failure codes the engine throws; the node maps them to HTTP statuses. */
export type ShardErrorCode = 'bad_request' | 'validation' | 'not_found' | 'conflict' | 'quota_exceeded' | 'corrupt' | 'closed';

export class ShardError extends Error {
  constructor(
    readonly code: ShardErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ShardError';
  }
}
