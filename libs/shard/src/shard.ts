import { promises as fs } from 'fs';
import * as path from 'path';
import { Collection, CollectionLoadReport, PointQuota } from './collection';
import { CollectionCut, ShardCut } from './collection-cut';
import { assertCollectionName, COLLECTION_NAME_PATTERN, resolveCollectionConfig } from './collection-config';
import { createCollectionDir, openCollection } from './collection-loader';
import { DirLock } from './dir-lock';
import { fsyncDir, randomSuffix } from './fs-util';
import { Mutex } from './mutex';
import { ShardOp, ShardOpArgs, ShardOpResult } from './ops';
import { asObject, booleanOr } from './read-requests';
import { assertInstallable, incomingOf, InstallOptions, openStaged, recoverReplaced, StagedCollection, STAGING_PREFIX, swapIn } from './shard-install';
import { CollectionInfo, ShardError } from './types';

/** What a node needs to dispatch `shard[op](args)` for every op in ShardOps. */
export type ShardOpHandlers = { [K in ShardOp]: (args: ShardOpArgs<K>) => Promise<ShardOpResult<K>> };

export interface ShardOptions {
  checkpointEveryBytes: number;
  walFlushIntervalMs: number;
  /** Failures nobody awaits (background fsync, automatic checkpoint). */
  onBackgroundError: (error: Error, context: { tenantId: string; collection?: string }) => void;
}

const COLLECTIONS_DIR = 'collections';

/**
 * A tenant's shard: its collections under `<tenantDir>/collections/<name>/`. Creating
 * and deleting collections is serialised by the catalogue mutex; point writes are
 * serialised per collection; reads take no lock.
 */
export class Shard implements ShardOpHandlers {
  private readonly collections = new Map<string, Collection>();
  private readonly catalogue = new Mutex();
  private readonly collectionsDir: string;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** New points admitted by writes that are between their quota check and their apply. */
  private reservedPoints = 0;
  /** Stored bytes the same writes add (their per-point increases), until applied. */
  private reservedBytes = 0;

  private constructor(
    readonly tenantId: string,
    tenantDir: string,
    private readonly options: ShardOptions,
    private readonly lock: DirLock,
    private readonly onClosed: () => void,
  ) {
    this.collectionsDir = path.join(tenantDir, COLLECTIONS_DIR);
  }

  static async open(tenantId: string, tenantDir: string, options: ShardOptions, onClosed: () => void = () => undefined): Promise<Shard> {
    await fs.mkdir(path.join(tenantDir, COLLECTIONS_DIR), { recursive: true });
    const lock = await DirLock.acquire(tenantDir);
    const shard = new Shard(tenantId, tenantDir, options, lock, onClosed);
    try {
      await shard.loadCollections();
    } catch (error) {
      await Promise.allSettled([...shard.collections.values()].map((collection) => collection.close()));
      await lock.release();
      throw error;
    }
    return shard;
  }

  async listCollections(_args?: ShardOpArgs<'listCollections'>): Promise<CollectionInfo[]> {
    this.assertOpen();
    return [...this.collections.keys()].sort().map((name) => this.collections.get(name)!.info());
  }

  async getCollection(args: ShardOpArgs<'getCollection'>): Promise<CollectionInfo> {
    return this.collection(args).info();
  }

  createCollection(args: ShardOpArgs<'createCollection'>): Promise<CollectionInfo> {
    return this.catalogue.run(async () => {
      this.assertOpen();
      const input = asObject(args, 'args');
      const name = assertCollectionName(input.collection);
      const config = resolveCollectionConfig(input.config);
      if (this.collections.has(name)) throw new ShardError('conflict', `Wrong input: Collection \`${name}\` already exists!`);
      const max = optionalCount(input.max_collections, 'max_collections');
      if (max !== undefined && this.collections.size >= max) {
        throw new ShardError('quota_exceeded', `the tenant already has ${this.collections.size} collections, its limit is ${max}`);
      }
      const dir = await createCollectionDir(this.collectionsDir, name, config);
      const collection = await openCollection(dir, name, this.collectionOptions(name));
      this.collections.set(name, collection);
      return collection.info();
    });
  }

  deleteCollection(args: ShardOpArgs<'deleteCollection'>): Promise<{ deleted: boolean }> {
    return this.catalogue.run(async () => {
      this.assertOpen();
      const name = assertCollectionName(asObject(args, 'args').collection);
      const collection = this.collections.get(name);
      if (!collection) return { deleted: false };
      this.collections.delete(name);
      await collection.close();
      const dir = path.join(this.collectionsDir, name);
      const trash = path.join(this.collectionsDir, `.trash-${randomSuffix()}`);
      try {
        await fs.rename(dir, trash);
        await fsyncDir(this.collectionsDir);
      } catch (error) {
        // Still on disk, so it must stay served: put it back rather than let it reappear at the next open.
        this.collections.set(name, await openCollection(dir, name, this.collectionOptions(name)));
        throw error;
      }
      await fs.rm(trash, { recursive: true, force: true });
      return { deleted: true };
    });
  }

  async upsert(args: ShardOpArgs<'upsert'>): Promise<ShardOpResult<'upsert'>> {
    const collection = this.collection(args);
    const maxPoints = optionalCount(args.max_points, 'max_points');
    const maxBytes = optionalCount(args.max_bytes, 'max_bytes');
    return collection.upsert(args.points, booleanOr(args.wait, 'wait', false), this.quota(maxPoints, maxBytes));
  }

  async deletePoints(args: ShardOpArgs<'deletePoints'>): Promise<ShardOpResult<'deletePoints'>> {
    return this.collection(args).deletePoints(args.selector, booleanOr(args.wait, 'wait', false));
  }

  async retrieve(args: ShardOpArgs<'retrieve'>): Promise<ShardOpResult<'retrieve'>> {
    return this.collection(args).retrieve(args);
  }

  async search(args: ShardOpArgs<'search'>): Promise<ShardOpResult<'search'>> {
    return this.collection(args).search(args.request);
  }

  async searchBatch(args: ShardOpArgs<'searchBatch'>): Promise<ShardOpResult<'searchBatch'>> {
    const collection = this.collection(args);
    if (!Array.isArray(args.requests)) throw new ShardError('bad_request', 'requests must be a list of search requests');
    return args.requests.map((request) => collection.search(request));
  }

  async scroll(args: ShardOpArgs<'scroll'>): Promise<ShardOpResult<'scroll'>> {
    return this.collection(args).scroll(args.request);
  }

  async count(args: ShardOpArgs<'count'>): Promise<ShardOpResult<'count'>> {
    return this.collection(args).count(args.request);
  }

  /** Checkpoints one collection, or all; a collection with no new writes is skipped. */
  async checkpoint(collection?: string): Promise<void> {
    if (collection !== undefined) {
      await this.collection({ collection }).checkpoint();
      return;
    }
    this.assertOpen();
    for (const each of this.collections.values()) await each.checkpoint();
  }

  /**
   * A consistent cut of each collection at its current LSN, taken while writes go
   * on: each collection's write mutex is held only to record where the cut is.
   * The caller must `release()` it (checkpoints defer removing its files until then).
   * With `checkpointAboveWalBytes`, a collection whose WAL has grown by more than that
   * since its checkpoint is checkpointed first (its writers wait for that one
   * checkpoint), so the cut carries a graph that covers all but a small WAL tail and
   * a restore of it loads the graph instead of replaying, i.e. rebuilding, its points.
   */
  async cut(collections: string[] | '*', options: { checkpointAboveWalBytes?: number } = {}): Promise<ShardCut> {
    this.assertOpen();
    if (collections !== '*' && !Array.isArray(collections)) throw new ShardError('bad_request', "collections must be '*' or a list of names");
    const names = collections === '*' ? [...this.collections.keys()].sort() : [...new Set(collections.map(assertCollectionName))];
    const missing = names.filter((name) => !this.collections.has(name));
    if (missing.length > 0) throw new ShardError('not_found', `collections not found: ${missing.join(', ')}`);
    const cuts: CollectionCut[] = [];
    const releases: (() => void)[] = [];
    const release = () => releases.forEach((each) => each());
    try {
      for (const name of names) {
        const collection = this.collection({ collection: name });
        const threshold = options.checkpointAboveWalBytes;
        if (threshold !== undefined && collection.walBytesSinceCheckpoint > threshold) await collection.checkpoint();
        const taken = await collection.cut();
        cuts.push(taken.cut);
        releases.push(taken.release);
      }
    } catch (error) {
      release();
      throw error;
    }
    return { tenantId: this.tenantId, collections: cuts, release };
  }

  /** A fresh empty directory on the shard's filesystem for staging a restore (so the swap is a rename); removed at open. */
  async stagingDir(): Promise<string> {
    this.assertOpen();
    const dir = path.join(this.collectionsDir, `${STAGING_PREFIX}${randomSuffix()}`);
    await fs.mkdir(dir);
    return dir;
  }

  /**
   * Serves restored collections. Each staged dir is opened completely first (every
   * checksum verified, graph loaded, WAL tail replayed) and names and quotas are
   * checked as they would be after the swap; only then are the directories renamed
   * into place. Any failure before the swap leaves the live collections untouched;
   * the staged dirs stay the caller's to delete.
   */
  async installCollections(staged: StagedCollection[], options: InstallOptions): Promise<{ name: string; points: number }[]> {
    this.assertOpen();
    const limits = {
      overwrite: options?.overwrite === true,
      max_collections: optionalCount(options?.max_collections, 'max_collections'),
      max_points: optionalCount(options?.max_points, 'max_points'),
      max_bytes: optionalCount(options?.max_bytes, 'max_bytes'),
    };
    if (!Array.isArray(staged)) throw new ShardError('bad_request', 'staged must be a list of { dir, as }');
    const targets = staged.map((each) => assertCollectionName(each?.as));
    if (new Set(targets).size !== targets.length) throw new ShardError('bad_request', 'a restore cannot install two collections under one name');
    // Names and the collection count can be refused before the (long) load; everything is checked again after it.
    assertInstallable(this.collections, targets.map((name) => ({ name, points: 0, bytes: 0 })), limits, { points: 0, bytes: 0 });

    const fresh = await openStaged(staged, (name) => this.collectionOptions(name));
    let replaced: string[];
    try {
      replaced = await this.catalogue.run(async () => {
        this.assertOpen();
        assertInstallable(this.collections, fresh.map(incomingOf), limits, { points: this.reservedPoints, bytes: this.reservedBytes });
        const reopen = (name: string) => openCollection(path.join(this.collectionsDir, name), name, this.collectionOptions(name));
        return swapIn(this.collectionsDir, this.collections, fresh, staged.map((each) => each.dir), reopen);
      });
    } catch (error) {
      await Promise.allSettled(fresh.map((collection) => collection.close()));
      throw error;
    }
    await Promise.allSettled(replaced.map((dir) => fs.rm(dir, { recursive: true, force: true })));
    return fresh.map((collection) => ({ name: collection.name, points: collection.table.size }));
  }

  /** Per collection, how the last open went: graph loaded (not rebuilt), WAL records replayed, time. */
  loadReport(): Record<string, CollectionLoadReport> {
    const report: Record<string, CollectionLoadReport> = {};
    for (const [name, collection] of this.collections) report[name] = { ...collection.loadReport };
    return report;
  }

  /** Flushes every WAL and releases the directory; later calls fail with 'closed'. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.closing = this.catalogue.run(async () => {
      try {
        const results = await Promise.allSettled([...this.collections.values()].map((collection) => collection.close()));
        const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        await this.lock.release();
        this.onClosed();
      }
    });
    return this.closing;
  }

  private async loadCollections(): Promise<void> {
    await recoverReplaced(this.collectionsDir);
    const entries = await fs.readdir(this.collectionsDir, { withFileTypes: true });
    const leftovers = entries.filter((entry) => ['.tmp-', '.trash-', STAGING_PREFIX].some((prefix) => entry.name.startsWith(prefix)));
    await Promise.all(leftovers.map((entry) => fs.rm(path.join(this.collectionsDir, entry.name), { recursive: true, force: true })));
    const names = entries.filter((entry) => entry.isDirectory() && COLLECTION_NAME_PATTERN.test(entry.name)).map((entry) => entry.name);
    const opened = await Promise.allSettled(
      names.map((name) => openCollection(path.join(this.collectionsDir, name), name, this.collectionOptions(name))),
    );
    opened.forEach((result, i) => {
      if (result.status === 'fulfilled') this.collections.set(names[i], result.value);
    });
    const failed = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private collection(args: { collection: string } | undefined): Collection {
    this.assertOpen();
    const name = assertCollectionName(asObject(args, 'args').collection);
    const collection = this.collections.get(name);
    if (!collection) throw new ShardError('not_found', `Not found: Collection \`${name}\` doesn't exist!`);
    return collection;
  }

  /**
   * Checks a write against max_points / max_bytes, counting what concurrent writes
   * to other collections have reserved, and reserves what it adds. Only growth is
   * refused: a write that does not add points (or bytes) passes even over a limit.
   */
  private quota(maxPoints: number | undefined, maxBytes: number | undefined): PointQuota {
    return {
      reserve: ({ points: newPoints, bytes, growthBytes }) => {
        if (maxPoints !== undefined && newPoints > 0) {
          const total = this.totalPoints() + this.reservedPoints + newPoints;
          if (total > maxPoints) {
            throw new ShardError('quota_exceeded', `this write would bring the tenant to ${total} points, its limit is ${maxPoints}`);
          }
        }
        if (maxBytes !== undefined && bytes > 0) {
          const total = this.totalStoredBytes() + this.reservedBytes + bytes;
          if (total > maxBytes) {
            throw new ShardError(
              'quota_exceeded',
              `this write needs ${bytes} more bytes of storage (vectors at 4 bytes per dimension + payload JSON) and would bring the tenant to ${total} bytes, its limit is ${maxBytes} bytes (max_bytes)`,
            );
          }
        }
        let heldPoints = newPoints;
        let heldBytes = growthBytes;
        this.reservedPoints += heldPoints;
        this.reservedBytes += heldBytes;
        const give = (points: number, bytes: number) => {
          const returnedPoints = Math.min(points, heldPoints);
          const returnedBytes = Math.min(bytes, heldBytes);
          heldPoints -= returnedPoints;
          heldBytes -= returnedBytes;
          this.reservedPoints -= returnedPoints;
          this.reservedBytes -= returnedBytes;
        };
        return { consume: give, release: () => give(heldPoints, heldBytes) };
      },
    };
  }

  private totalPoints(): number {
    let total = 0;
    for (const collection of this.collections.values()) total += collection.table.size;
    return total;
  }

  /** O(collections): each table keeps its own total. */
  private totalStoredBytes(): number {
    let total = 0;
    for (const collection of this.collections.values()) total += collection.table.storedBytes;
    return total;
  }

  private collectionOptions(name: string) {
    return {
      checkpointEveryBytes: this.options.checkpointEveryBytes,
      walFlushIntervalMs: this.options.walFlushIntervalMs,
      onBackgroundError: (error: Error) => this.options.onBackgroundError(error, { tenantId: this.tenantId, collection: name }),
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new ShardError('closed', `shard ${this.tenantId} is closed`);
  }
}

function optionalCount(raw: unknown, where: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) throw new ShardError('bad_request', `${where} must be a non-negative integer`);
  return raw;
}
