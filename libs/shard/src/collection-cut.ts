import { createReadStream, promises as fs } from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { CONFIG_FILE, WAL_DIR } from './collection-loader';
import { MANIFEST_FILE } from './checkpoint-manifest';
import { CollectionConfig } from './types';
import { parseWalFileName } from './wal';

/** One file of a cut, by its path relative to the collection directory. */
export interface CutFile {
  /** e.g. 'config.json', 'manifest.json', 'checkpoint-…/graph.hnsw', 'wal/….wal' */
  path: string;
  size: number;
  /**
   * The checkpoint manifest's digest, for checkpoint files: a backup checks the bytes
   * it reads against it, so a shard damaged on disk never becomes a good-looking backup.
   */
  sha256?: string;
  /** A fresh stream of exactly `size` bytes each call (a retried upload opens it again). */
  open(): NodeJS.ReadableStream;
}

export interface CollectionCut {
  name: string;
  config: CollectionConfig;
  /** Every write up to this LSN is in the files, none after it. */
  lsn: number;
  points: number;
  files: CutFile[];
}

export interface ShardCut {
  tenantId: string;
  collections: CollectionCut[];
  /** Lets checkpoints remove the files this cut kept alive. Idempotent. */
  release(): void;
}

/** What a collection records under its write mutex; everything else is read after it. */
export interface CutState {
  dir: string;
  config: CollectionConfig;
  lsn: number;
  points: number;
  configBytes: Buffer;
  /** null before the first checkpoint. */
  checkpoint: { directory: string; manifestBytes: Buffer; files: { name: string; size: number; sha256: string }[] } | null;
  /** WAL files holding records after the checkpoint, in order; the last one cut at its size then. */
  wal: { name: string; size: number }[];
}

/**
 * Counts, per relative path, the cuts that still read it. A checkpoint that
 * supersedes a pinned file defers its removal to the last release, so a cut
 * stays readable without blocking checkpoints or copying anything.
 */
export class FilePins {
  private readonly counts = new Map<string, number>();
  private readonly deferred = new Set<string>();

  pin(paths: string[]): void {
    for (const p of paths) this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
  }

  /** True when `p` must stay for now; it is then removed by the release that frees it. */
  deferIfPinned(p: string): boolean {
    if (!this.counts.has(p)) return false;
    this.deferred.add(p);
    return true;
  }

  /** Unpins and returns the superseded paths nothing reads any more. */
  unpin(paths: string[]): string[] {
    const free: string[] = [];
    for (const p of paths) {
      const left = (this.counts.get(p) ?? 1) - 1;
      if (left > 0) {
        this.counts.set(p, left);
        continue;
      }
      this.counts.delete(p);
      if (this.deferred.delete(p)) free.push(p);
    }
    return free;
  }
}

/**
 * The WAL files a cut needs: from the last file that may hold the record after the
 * checkpoint (files are named by their first LSN) to the active one. Sealed files
 * before it hold only records the checkpoint covers.
 */
export async function walFilesAfter(
  walDir: string,
  checkpointLsn: number,
  active: { name: string; size: number },
): Promise<{ name: string; size: number }[]> {
  const names = (await fs.readdir(walDir)).filter((name) => parseWalFileName(name) !== null && name <= active.name).sort();
  let first = 0;
  names.forEach((name, i) => {
    if (parseWalFileName(name)! <= checkpointLsn + 1) first = i;
  });
  const files: { name: string; size: number }[] = [];
  for (const name of names.slice(first)) {
    files.push(name === active.name ? active : { name, size: (await fs.stat(path.join(walDir, name))).size });
  }
  return files;
}

/** Relative paths a cut pins: the checkpoint directory and its WAL files. */
export function pinnedPaths(state: CutState): string[] {
  const paths = state.wal.map((file) => `${WAL_DIR}/${file.name}`);
  if (state.checkpoint) paths.push(state.checkpoint.directory);
  return paths;
}

export function cutOf(name: string, state: CutState): CollectionCut {
  const files: CutFile[] = [memoryFile(CONFIG_FILE, state.configBytes)];
  if (state.checkpoint) {
    const { directory, manifestBytes } = state.checkpoint;
    files.push(memoryFile(MANIFEST_FILE, manifestBytes));
    for (const file of state.checkpoint.files) files.push({ ...diskFile(state.dir, `${directory}/${file.name}`, file.size), sha256: file.sha256 });
  }
  for (const file of state.wal) files.push(diskFile(state.dir, `${WAL_DIR}/${file.name}`, file.size));
  return { name, config: state.config, lsn: state.lsn, points: state.points, files };
}

/** config.json and manifest.json are small and manifest.json is replaced by checkpoints: read under the mutex. */
function memoryFile(relative: string, bytes: Buffer): CutFile {
  return { path: relative, size: bytes.length, open: () => Readable.from([bytes], { objectMode: false }) };
}

/** Large reads: a backup streams hundreds of MB, and each chunk costs a hop through hashing and upload. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Immutable checkpoint files and append-only WAL files: reading a prefix is safe while writes append. */
function diskFile(dir: string, relative: string, size: number): CutFile {
  const file = path.join(dir, ...relative.split('/'));
  const open = () =>
    size === 0 ? Readable.from([], { objectMode: false }) : createReadStream(file, { start: 0, end: size - 1, highWaterMark: READ_CHUNK_BYTES });
  return { path: relative, size, open };
}
