import { createHash } from 'crypto';
import { BackupError } from './backup-error';

export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
/** A manifest lists ~10 files per collection; this bounds what is read into memory. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface BackupFileEntry {
  /** Relative to the collection, as the shard's cut names it. */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupCollectionEntry {
  name: string;
  dimension: number;
  distance: string;
  hnsw: object;
  lsn: number;
  points: number;
  files: BackupFileEntry[];
}

export interface BackupManifest {
  format: 1;
  tenant_id: string;
  backup_id: string;
  created_at: string;
  /** Where the data objects are: `<prefix>/<attempt_id>/<collection>/<path>`. Absent inside a downloaded archive. */
  attempt_id: string;
  collections: BackupCollectionEntry[];
  total_bytes: number;
}

const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ATTEMPT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Exactly the shard's file layout: a whitelist, so no path can leave its collection directory. */
const FILE_PATH = /^(config\.json|manifest\.json|checkpoint-\d{20}\/[a-z0-9]{1,32}\.[a-z0-9]{1,8}|wal\/\d{20}\.wal)$/;
const SHA256 = /^[0-9a-f]{64}$/;
const DISTANCES = ['Cosine', 'Euclid', 'Dot'];

export const manifestKey = (prefix: string) => `${prefix}/${MANIFEST_NAME}`;
export const dataKey = (prefix: string, attemptId: string, collection: string, file: string) => `${prefix}/${attemptId}/${collection}/${file}`;

/**
 * A collection's files and their digests, as `installCollections` takes them
 * (`verifiedDigests`) once `fetchBackup` has checked every byte against them.
 */
export function collectionDigests(manifest: BackupManifest, collection: string): Record<string, string> {
  const files = manifest.collections.find((c) => c.name === collection)?.files ?? [];
  return Object.fromEntries(files.map((f) => [f.path, f.sha256]));
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function encodeManifest(manifest: object): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/**
 * Parses and checks a manifest completely: an accepted manifest names only files a
 * shard can hold, each once, with sizes that add up. `stored` manifests must say
 * where their data is (attempt_id); an archive's need not.
 */
export function parseManifest(bytes: Buffer, where: string, options: { stored: boolean }): BackupManifest {
  const bad = (why: string): never => {
    throw new BackupError('bad_archive', `${where}: ${why}`, true);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bad('manifest.json is not valid JSON');
  }
  if (!isObject(raw)) return bad('manifest.json is not an object');
  if (raw.format !== BACKUP_FORMAT_VERSION) bad(`format ${JSON.stringify(raw.format)} is not one this version reads (${BACKUP_FORMAT_VERSION})`);
  for (const key of ['tenant_id', 'backup_id', 'created_at']) if (typeof raw[key] !== 'string' || raw[key] === '') bad(`${key} is missing`);
  if (options.stored && (typeof raw.attempt_id !== 'string' || !ATTEMPT_ID.test(raw.attempt_id))) bad('attempt_id is missing or invalid');
  // An empty list is a valid backup of a tenant without collections.
  if (!Array.isArray(raw.collections)) return bad('collections must be a list');
  const names = new Set<string>();
  let total = 0;
  for (const collection of raw.collections as unknown[]) {
    if (!isObject(collection) || typeof collection.name !== 'string' || !COLLECTION_NAME.test(collection.name)) return bad('a collection has no valid name');
    const name = collection.name;
    if (names.has(name)) bad(`collection ${name} is listed twice`);
    names.add(name);
    if (!isCount(collection.dimension) || collection.dimension < 1) bad(`collection ${name}: invalid dimension`);
    if (!DISTANCES.includes(collection.distance as string)) bad(`collection ${name}: invalid distance`);
    if (!isObject(collection.hnsw)) bad(`collection ${name}: invalid hnsw`);
    if (!isCount(collection.lsn) || !isCount(collection.points)) bad(`collection ${name}: invalid lsn or points`);
    if (!Array.isArray(collection.files)) return bad(`collection ${name}: files must be a list`);
    const paths = new Set<string>();
    for (const file of collection.files as unknown[]) {
      if (!isObject(file) || typeof file.path !== 'string' || !FILE_PATH.test(file.path)) return bad(`collection ${name}: a file has an invalid path`);
      if (paths.has(file.path)) bad(`collection ${name}: ${file.path} is listed twice`);
      paths.add(file.path);
      if (!isCount(file.size) || typeof file.sha256 !== 'string' || !SHA256.test(file.sha256)) bad(`${name}/${file.path}: invalid size or sha256`);
      total += file.size as number;
    }
    if (!paths.has('config.json')) bad(`collection ${name}: config.json is missing`);
  }
  if (raw.total_bytes !== total) bad(`total_bytes ${String(raw.total_bytes)} is not the sum of the file sizes (${total})`);
  return raw as unknown as BackupManifest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
