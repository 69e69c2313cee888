import { promises as fs } from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { CHECKPOINT_DIR_PATTERN, CheckpointManifest, MANIFEST_FILE } from './checkpoint-manifest';
import { readCheckedJson, writeCheckedJson } from './checked-json';
import { Collection } from './collection';
import { resolveCollectionConfig } from './collection-config';
import { fsyncDir, pathExists, randomSuffix } from './fs-util';
import { HnswIndex } from './hnsw-index';
import { PointTable } from './point-table';
import { loadCheckpoint } from './segment-reader';
import { CollectionConfig, ShardError } from './types';
import { WalWriter } from './wal';
import { WalOp } from './wal-record';
import { replayWal } from './wal-replay';
import { applyDelete, applyUpsert } from './write-batch';

/**
 * A collection directory:
 *   config.json            immutable config (checked JSON), present from creation on
 *   manifest.json          the current checkpoint (absent before the first one)
 *   checkpoint-<lsn>/      immutable segment files + graph named by the manifest
 *   wal/<first-lsn>.wal    write-ahead log files
 */
export const CONFIG_FILE = 'config.json';
export const WAL_DIR = 'wal';
const CONFIG_FORMAT = 1;

export interface CollectionOpenOptions {
  checkpointEveryBytes: number;
  walFlushIntervalMs: number;
  onBackgroundError: (error: Error) => void;
  /** A staged (restored) collection: a damaged WAL end is corrupt, not a torn append to cut off. */
  strictWal?: boolean;
  /** Digests the caller already verified (see StagedCollection): those files are not hashed again. */
  verifiedDigests?: Record<string, string>;
}

interface StoredConfig extends CollectionConfig {
  format: number;
  name: string;
  created_at: string;
}

/** Creates the directory complete under a temporary name, then renames it in: a crash leaves all or nothing. */
export async function createCollectionDir(collectionsDir: string, name: string, config: CollectionConfig): Promise<string> {
  const staging = path.join(collectionsDir, `.tmp-${randomSuffix()}`);
  const target = path.join(collectionsDir, name);
  try {
    await fs.mkdir(path.join(staging, WAL_DIR), { recursive: true });
    const stored: StoredConfig = { format: CONFIG_FORMAT, name, ...config, created_at: new Date().toISOString() };
    await writeCheckedJson(path.join(staging, CONFIG_FILE), stored);
    await fsyncDir(path.join(staging, WAL_DIR));
    await fsyncDir(staging);
    await fs.rename(staging, target);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
  await fsyncDir(collectionsDir);
  return target;
}

/** A restored collection may be served under a new name: config.json records the name, so it is rewritten. */
export async function renameStagedConfig(dir: string, name: string): Promise<void> {
  const file = path.join(dir, CONFIG_FILE);
  const stored = await readCheckedJson<StoredConfig>(file, 'collection config');
  if (stored.name !== name) await writeCheckedJson(file, { ...stored, name });
}

/** Loads a collection: verified checkpoint (graph read, not rebuilt), then the WAL tail after it. */
export async function openCollection(dir: string, name: string, options: CollectionOpenOptions): Promise<Collection> {
  const started = performance.now();
  const stored = await readCheckedJson<StoredConfig>(path.join(dir, CONFIG_FILE), 'collection config');
  if (stored.format !== CONFIG_FORMAT || stored.name !== name) throw new ShardError('corrupt', `${dir}: config.json belongs to "${stored.name}"`);
  let config: CollectionConfig;
  try {
    config = resolveCollectionConfig(stored);
  } catch (error) {
    throw new ShardError('corrupt', `${dir}: config.json is invalid: ${(error as Error).message}`);
  }

  const manifestFile = path.join(dir, MANIFEST_FILE);
  const manifest = (await pathExists(manifestFile)) ? await readCheckedJson<CheckpointManifest>(manifestFile, 'checkpoint manifest') : null;
  const { table, index } = manifest
    ? await loadCheckpoint(dir, manifest, config, options.verifiedDigests)
    : { table: new PointTable(config.size), index: HnswIndex.create(config.size, config.distance, config.hnsw, 1024) };
  const checkpointLsn = manifest?.checkpoint_lsn ?? 0;

  const walDir = path.join(dir, WAL_DIR);
  await fs.mkdir(walDir, { recursive: true });
  const replay = await replayWal(walDir, checkpointLsn, config.size, (record) => {
    if (record.op === WalOp.Upsert) applyUpsert(table, index, record.body, record.lsn);
    else applyDelete(table, index, record.body.ids);
  }, { strict: options.strictWal });
  const wal = await WalWriter.open(walDir, replay.activeFile, replay.lastLsn, replay.liveBytes, {
    flushIntervalMs: options.walFlushIntervalMs,
    onBackgroundError: options.onBackgroundError,
  });
  await removeLeftovers(dir, manifest?.directory ?? null, replay.obsoleteFiles);

  return new Collection({
    name,
    dir,
    config,
    table,
    index,
    wal,
    lsn: replay.lastLsn,
    checkpointLsn,
    checkpointDirectory: manifest?.directory ?? null,
    segmentsCount: manifest?.files.length ?? 0,
    loadReport: { loaded_graph: manifest !== null, replayed_records: replay.replayed, load_ms: performance.now() - started },
    checkpointEveryBytes: options.checkpointEveryBytes,
    onBackgroundError: options.onBackgroundError,
  });
}

/** Checkpoint directories no manifest names (a crash mid-checkpoint) and WAL files the checkpoint covers. */
async function removeLeftovers(dir: string, currentCheckpoint: string | null, obsoleteWalFiles: string[]): Promise<void> {
  const removals: Promise<void>[] = obsoleteWalFiles.map((file) => fs.rm(file, { force: true }));
  for (const name of await fs.readdir(dir)) {
    if ((CHECKPOINT_DIR_PATTERN.test(name) && name !== currentCheckpoint) || (name.startsWith('.') && name.endsWith('.tmp'))) {
      removals.push(fs.rm(path.join(dir, name), { recursive: true, force: true }));
    }
  }
  await Promise.allSettled(removals);
}
