import { Distance } from './types';

/**
 * A checkpoint is a directory of immutable files named after the LSN it covers,
 * plus manifest.json (written last, atomically) that names the directory and
 * records each file's size and sha256. Without a manifest pointing at it, a
 * checkpoint directory does not exist.
 */
export const MANIFEST_FILE = 'manifest.json';
/**
 * Format 2 keeps the vectors once, inside graph.hnsw (read back out of it on load).
 * Format 1 also had vectors.f32, a second copy; it still loads.
 */
export const CHECKPOINT_FORMAT = 2;
export const LEGACY_CHECKPOINT_FORMAT = 1;

export const CHECKPOINT_FILES = {
  /** Format 1 only: float32 rows by label (Cosine: normalised); free slots are zeros. */
  vectors: 'vectors.f32',
  /** the label map: 17 bytes per label (kind + id), kind 0 = free slot. */
  labels: 'labels.bin',
  /** float64 per label: LSN of the write that last changed the point. */
  versions: 'versions.f64',
  /** per label: u32 byte length + UTF-8 JSON; length 0 = free slot. */
  payloads: 'payloads.bin',
  /** hnswlib's saveIndex output: the graph and each label's vector, loaded as is on open. */
  graph: 'graph.hnsw',
} as const;

export interface CheckpointFileEntry {
  name: string;
  size: number;
  sha256: string;
}

export interface CheckpointManifest {
  format: number;
  collection: string;
  checkpoint_lsn: number;
  directory: string;
  dim: number;
  distance: Distance;
  /** Labels in the graph (live + free): the table's high-water mark. */
  labels: number;
  points_count: number;
  files: CheckpointFileEntry[];
  created_at: string;
}

export function checkpointDirName(lsn: number): string {
  return `checkpoint-${String(lsn).padStart(20, '0')}`;
}

export const CHECKPOINT_DIR_PATTERN = /^checkpoint-\d{20}$/;
