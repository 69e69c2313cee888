import { promises as fs } from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { CHECKPOINT_DIR_PATTERN, CheckpointManifest, MANIFEST_FILE } from './checkpoint-manifest';
import { CollectionCut, cutOf, CutState, FilePins, pinnedPaths, walFilesAfter } from './collection-cut';
import { compileFilter, PointPredicate } from './filter';
import { HnswIndex } from './hnsw-index';
import { Mutex } from './mutex';
import { count, retrieve, scroll } from './point-reads';
import { PointTable } from './point-table';
import { asObject, parseIdList } from './read-requests';
import { search } from './search';
import { writeCheckpoint } from './segment-writer';
import { CollectionConfig, CollectionInfo, PointId, RetrievedPoint, ScoredPoint, ScrollResult, ShardError, WriteResult } from './types';
import { WalWriter } from './wal';
import { encodeDelete, encodeUpsert, UpsertBody } from './wal-record';
import { applyDelete, applyUpsert, prepareUpsert, upsertByteDelta } from './write-batch';

export interface CollectionLoadReport {
  loaded_graph: boolean;
  replayed_records: number;
  load_ms: number;
}

/**
 * Admits a write against the tenant's quotas (throws quota_exceeded) and holds what
 * it adds until applied, so concurrent writers to other collections count it too.
 */
export interface PointQuota {
  reserve(demand: QuotaDemand): QuotaReservation;
}

export interface QuotaDemand {
  /** Ids the write adds. */
  points: number;
  /** Net change of stored bytes (may be negative); checked against max_bytes. */
  bytes: number;
  /** Sum of the per-point increases (>= bytes): what is held until applied. */
  growthBytes: number;
}

export interface QuotaReservation {
  /** These many reserved points and bytes are now counted by the collection itself. */
  consume(points: number, bytes: number): void;
  release(): void;
}

/** Graph inserts are synchronous native calls: a large batch yields this often so reads on the node keep flowing. */
const APPLY_SLICE_MS = 10;

export interface CollectionState {
  name: string;
  dir: string;
  config: CollectionConfig;
  table: PointTable;
  index: HnswIndex;
  wal: WalWriter;
  lsn: number;
  checkpointLsn: number;
  /** The checkpoint directory manifest.json names; null before the first checkpoint. */
  checkpointDirectory: string | null;
  segmentsCount: number;
  loadReport: CollectionLoadReport;
  checkpointEveryBytes: number;
  onBackgroundError: (error: Error) => void;
}

/**
 * One collection: writes go WAL first (append under the write mutex, then the
 * in-memory apply, then the fsync outside the mutex so concurrent writers share
 * it); reads use memory only and never wait on the mutex or on disk.
 */
export class Collection {
  readonly name: string;
  readonly config: CollectionConfig;
  readonly table: PointTable;
  readonly index: HnswIndex;
  readonly loadReport: CollectionLoadReport;
  private dir: string;
  private readonly wal: WalWriter;
  private readonly mutex = new Mutex();
  private readonly pins = new FilePins();
  private lsn: number;
  private checkpointLsn: number;
  private checkpointDirectory: string | null;
  private segmentsCount: number;
  private closed = false;
  /** Set when memory may disagree with the WAL (an apply failed after the append): writes stop. */
  private failure: Error | null = null;
  private checkpointScheduled = false;

  constructor(private readonly state: CollectionState) {
    this.name = state.name;
    this.config = state.config;
    this.table = state.table;
    this.index = state.index;
    this.loadReport = state.loadReport;
    this.dir = state.dir;
    this.wal = state.wal;
    this.lsn = state.lsn;
    this.checkpointLsn = state.checkpointLsn;
    this.checkpointDirectory = state.checkpointDirectory;
    this.segmentsCount = state.segmentsCount;
  }

  info(): CollectionInfo {
    return {
      name: this.name,
      status: 'green',
      config: { size: this.config.size, distance: this.config.distance, hnsw: { ...this.config.hnsw } },
      points_count: this.table.size,
      stored_bytes: this.table.storedBytes,
      lsn: this.lsn,
      segments_count: this.segmentsCount,
    };
  }

  async upsert(points: unknown, wait: boolean, quota: PointQuota): Promise<WriteResult> {
    const prepared = prepareUpsert(points, this.config);
    const lsn = await this.mutex.run(async () => {
      this.assertWritable();
      const newPoints = prepared.body.ids.reduce<number>((n, id) => (this.table.has(id) ? n : n + 1), 0);
      const bytes = upsertByteDelta(this.table, prepared.body);
      const reservation = quota.reserve({ points: newPoints, bytes: bytes.net, growthBytes: bytes.growth });
      try {
        if (prepared.body.ids.length === 0) return this.lsn;
        const lsn = this.lsn + 1;
        await this.wal.append(encodeUpsert(lsn, this.config.size, prepared.body, prepared.payloadJson), lsn);
        await this.applyLogged(lsn, () => this.applyInSlices(prepared.body, lsn, reservation));
        return lsn;
      } finally {
        reservation.release();
      }
    });
    return this.finishWrite(lsn, wait);
  }

  async deletePoints(selector: unknown, wait: boolean): Promise<WriteResult> {
    const selection = asObject(selector, 'selector');
    const listed = 'points' in selection ? parseIdList(selection.points, 'selector.points') : null;
    const predicate = listed ? null : compileFilter(selection.filter);
    if (!listed && !predicate) throw new ShardError('bad_request', 'selector must have points or filter');
    const lsn = await this.mutex.run(async () => {
      this.assertWritable();
      // A filter is resolved to ids here, so replay deletes exactly what this call deleted.
      const ids: PointId[] = listed ? [...new Set(listed)].filter((id) => this.table.has(id)) : this.idsMatching(predicate!);
      if (ids.length === 0) return this.lsn;
      const lsn = this.lsn + 1;
      await this.wal.append(encodeDelete(lsn, ids), lsn);
      await this.applyLogged(lsn, () => applyDelete(this.table, this.index, ids));
      return lsn;
    });
    return this.finishWrite(lsn, wait);
  }

  search(request: unknown): ScoredPoint[] {
    this.assertReadable();
    return search(this, request);
  }

  retrieve(request: unknown): RetrievedPoint[] {
    this.assertReadable();
    return retrieve(this, request);
  }

  scroll(request: unknown): ScrollResult {
    this.assertReadable();
    return scroll(this, request);
  }

  count(request: unknown): { count: number } {
    this.assertReadable();
    return count(this.table, request);
  }

  /** WAL bytes appended since the last checkpoint (what a restart or a restore of a cut replays). */
  get walBytesSinceCheckpoint(): number {
    return this.wal.bytesSinceCheckpoint;
  }

  /** Writes a checkpoint if anything changed since the last one; true when one was written. */
  checkpoint(): Promise<boolean> {
    return this.mutex.run(async () => {
      this.assertWritable();
      if (this.lsn === this.checkpointLsn) return false;
      const lsn = this.lsn;
      await this.wal.rotate(lsn + 1);
      const manifest = await writeCheckpoint({ collectionDir: this.dir, name: this.name, config: this.config, table: this.table, index: this.index, lsn });
      this.checkpointLsn = lsn;
      this.checkpointDirectory = manifest.directory;
      this.segmentsCount = manifest.files.length;
      this.wal.bytesSinceCheckpoint = 0;
      // Only now, with the new manifest durable, may older checkpoints and WAL files go.
      await this.removeSuperseded(manifest.directory);
      return true;
    });
  }

  /**
   * A consistent cut at the current LSN. The write mutex is held only to record
   * the checkpoint and the WAL end (two small reads and a directory listing); the
   * files are read later, kept on disk by pins until `release`.
   */
  cut(): Promise<{ cut: CollectionCut; release: () => void }> {
    return this.mutex.run(async () => {
      this.assertWritable();
      const state = await this.cutState();
      const pinned = pinnedPaths(state);
      this.pins.pin(pinned);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const removals = this.pins.unpin(pinned).map((relative) => fs.rm(path.join(this.dir, relative), { recursive: true, force: true }));
        void Promise.allSettled(removals); // leftovers are removed at the next open anyway
      };
      return { cut: cutOf(this.name, state), release };
    });
  }

  /** The directory was renamed into place (restore); nothing may write to the collection meanwhile. */
  relocate(dir: string): void {
    this.dir = dir;
    this.wal.relocate(path.join(dir, 'wal'));
  }

  close(): Promise<void> {
    return this.mutex.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.wal.close();
    });
  }

  private async cutState(): Promise<CutState> {
    const configBytes = await fs.readFile(path.join(this.dir, 'config.json'));
    let checkpoint: CutState['checkpoint'] = null;
    if (this.checkpointDirectory) {
      const manifestBytes = await fs.readFile(path.join(this.dir, MANIFEST_FILE));
      const manifest = JSON.parse(manifestBytes.toString('utf8')) as CheckpointManifest;
      checkpoint = { directory: manifest.directory, manifestBytes, files: manifest.files.map(({ name, size, sha256 }) => ({ name, size, sha256 })) };
    }
    const active = { name: this.wal.activeFileName, size: this.wal.activeFileSize };
    const wal = await walFilesAfter(path.join(this.dir, 'wal'), this.checkpointLsn, active);
    return { dir: this.dir, config: this.config, lsn: this.lsn, points: this.table.size, configBytes, checkpoint, wal };
  }

  private idsMatching(predicate: PointPredicate): PointId[] {
    return this.table.labelsMatching(predicate).map((label) => this.table.idAt(label)!);
  }

  private async finishWrite(lsn: number, wait: boolean): Promise<WriteResult> {
    if (wait) await this.wal.syncTo(lsn);
    else this.wal.scheduleFlush();
    this.maybeCheckpoint();
    return { operation_id: lsn, status: wait ? 'completed' : 'acknowledged' };
  }

  /**
   * Readers may see a large batch partly applied (as in Qdrant, a batch is not
   * atomic for readers); the write itself returns only once all of it is applied.
   */
  private async applyInSlices(body: UpsertBody, lsn: number, reservation: QuotaReservation): Promise<void> {
    let from = 0;
    while (from < body.ids.length) {
      const sliceStart = performance.now();
      let to = from;
      while (to < body.ids.length && performance.now() - sliceStart < APPLY_SLICE_MS) {
        const bytesBefore = this.table.storedBytes;
        const added = applyUpsert(this.table, this.index, body, lsn, to, to + 1);
        reservation.consume(added, Math.max(0, this.table.storedBytes - bytesBefore));
        to++;
      }
      from = to;
      if (from < body.ids.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async applyLogged(lsn: number, apply: () => void | Promise<void>): Promise<void> {
    try {
      await apply();
    } catch (error) {
      this.failure = new Error(`collection ${this.name}: record ${lsn} is in the WAL but failed to apply; reopen the shard: ${(error as Error).message}`);
      throw this.failure;
    } finally {
      this.lsn = lsn;
    }
  }

  private maybeCheckpoint(): void {
    if (this.checkpointScheduled || this.closed || this.wal.bytesSinceCheckpoint < this.state.checkpointEveryBytes) return;
    this.checkpointScheduled = true;
    this.checkpoint()
      .catch((error: Error) => {
        if (!this.closed) this.state.onBackgroundError(error);
      })
      .finally(() => {
        this.checkpointScheduled = false;
      });
  }

  private async removeSuperseded(currentDirectory: string): Promise<void> {
    const walDir = path.join(this.dir, 'wal');
    const removals: Promise<void>[] = [];
    // A file a held cut still reads is removed by the cut's release instead.
    for (const name of await fs.readdir(this.dir)) {
      if (!CHECKPOINT_DIR_PATTERN.test(name) || name === currentDirectory || this.pins.deferIfPinned(name)) continue;
      removals.push(fs.rm(path.join(this.dir, name), { recursive: true, force: true }));
    }
    for (const name of await fs.readdir(walDir)) {
      if (!name.endsWith('.wal') || name === this.wal.activeFileName || this.pins.deferIfPinned(`wal/${name}`)) continue;
      removals.push(fs.rm(path.join(walDir, name), { force: true }));
    }
    // Leftovers are harmless (open ignores and removes them), so a failed removal is not an error.
    await Promise.allSettled(removals);
  }

  private assertReadable(): void {
    if (this.closed) throw new ShardError('not_found', `collection ${this.name} was closed or deleted`);
  }

  private assertWritable(): void {
    this.assertReadable();
    if (this.failure) throw this.failure;
  }
}
