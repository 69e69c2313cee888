import { promises as fs } from 'fs';
import * as path from 'path';
import { Collection } from './collection';
import { CollectionOpenOptions, openCollection, renameStagedConfig } from './collection-loader';
import { fsyncDir, fsyncTree, pathExists, randomSuffix } from './fs-util';
import { ShardError } from './types';

/** A collection laid out exactly as a cut's files, to be served as `as`. */
export interface StagedCollection {
  dir: string;
  as: string;
  /**
   * Collection-relative path → sha256 that the caller already checked these bytes
   * against while writing them (a restore's verified download). A checkpoint file whose
   * manifest digest is the same is not hashed again; any other file is.
   */
  verifiedDigests?: Record<string, string>;
}

export interface InstallOptions {
  overwrite: boolean;
  max_collections?: number;
  max_points?: number;
  max_bytes?: number;
}

/** Prefix of staging directories handed out by `Shard.stagingDir` (removed at open). */
export const STAGING_PREFIX = '.staging-';
/**
 * A live collection being replaced is renamed to `.replaced-<random>-<name>` for the
 * few milliseconds of the swap. At open, such a directory is put back if `<name>`
 * is missing (a crash between the two renames) and removed otherwise, so a crash
 * never loses both the old and the new collection.
 */
const REPLACED_PATTERN = /^\.replaced-[0-9a-f]{16}-(.+)$/;

/**
 * Opens every staged collection the way a restart would (every checksum verified,
 * the graph loaded, the WAL tail replayed; a damaged WAL end is corrupt here), so
 * nothing is swapped in that could not be served. On failure the ones opened are closed.
 */
export async function openStaged(staged: StagedCollection[], options: (name: string) => CollectionOpenOptions): Promise<Collection[]> {
  const opened: Collection[] = [];
  try {
    for (const { dir, as, verifiedDigests } of staged) {
      await renameStagedConfig(dir, as);
      await fsyncTree(dir);
      opened.push(await openCollection(dir, as, { ...options(as), strictWal: true, verifiedDigests }));
    }
    return opened;
  } catch (error) {
    await Promise.allSettled(opened.map((collection) => collection.close()));
    throw error;
  }
}

export interface Incoming {
  name: string;
  points: number;
  bytes: number;
}

/** Refuses names that exist (unless overwriting) and totals over the plan, counted as after the swap. */
export function assertInstallable(live: Map<string, Collection>, incoming: Incoming[], options: InstallOptions, reserved: { points: number; bytes: number }): void {
  const existing = incoming.map((each) => each.name).filter((name) => live.has(name));
  if (!options.overwrite && existing.length > 0) {
    throw new ShardError('conflict', `collections already exist: ${existing.join(', ')} (restore with overwrite or under other names)`);
  }
  const kept = [...live.values()].filter((collection) => !existing.includes(collection.name));
  const after = [...kept.map((collection) => ({ points: collection.table.size, bytes: collection.table.storedBytes })), ...incoming];
  const limits: [string, number | undefined, number][] = [
    ['collections', options.max_collections, after.length],
    ['points', options.max_points, after.reduce((total, each) => total + each.points, reserved.points)],
    ['stored bytes', options.max_bytes, after.reduce((total, each) => total + each.bytes, reserved.bytes)],
  ];
  for (const [what, max, total] of limits) {
    if (max !== undefined && total > max) {
      throw new ShardError('quota_exceeded', `the restore would bring the tenant to ${total} ${what}, its limit is ${max}`);
    }
  }
}

/** What an opened staged collection adds to the tenant's totals. */
export function incomingOf(collection: Collection): Incoming {
  return { name: collection.name, points: collection.table.size, bytes: collection.table.storedBytes };
}

interface SwapStep {
  fresh: Collection;
  stagedDir: string;
  old?: Collection;
  /** No longer served: closing it has begun, so only a reopen from disk can serve it again. */
  oldRemoved?: boolean;
  replacedDir?: string;
  freshIn?: boolean;
}

/**
 * Renames each staged directory into place (the live one it replaces moves aside
 * first) and serves the new collection. A failure rolls back the steps done, so the
 * live collections are what they were; a crash mid-swap is repaired at open
 * (`recoverReplaced`). Returns the replaced directories, for the caller to remove.
 */
export async function swapIn(
  collectionsDir: string,
  live: Map<string, Collection>,
  fresh: Collection[],
  stagedDirs: string[],
  reopen: (name: string) => Promise<Collection>,
): Promise<string[]> {
  const steps: SwapStep[] = fresh.map((collection, i) => ({ fresh: collection, stagedDir: stagedDirs[i], old: live.get(collection.name) }));
  const done: SwapStep[] = [];
  try {
    for (const step of steps) {
      done.push(step);
      const name = step.fresh.name;
      const target = path.join(collectionsDir, name);
      if (step.old) {
        live.delete(name);
        step.oldRemoved = true;
        await step.old.close(); // waits for writes in flight, refuses later ones
        step.replacedDir = path.join(collectionsDir, `.replaced-${randomSuffix()}-${name}`);
        await fs.rename(target, step.replacedDir);
      }
      await fs.rename(step.stagedDir, target);
      step.freshIn = true;
      step.fresh.relocate(target);
      live.set(name, step.fresh);
    }
    await fsyncDir(collectionsDir);
  } catch (error) {
    const unrepaired = await rollBack(collectionsDir, live, done.reverse(), reopen);
    if (unrepaired.length > 0) {
      // Rare (a rename failing twice): the next open repairs what .replaced-* dirs allow.
      throw new Error(`${(error as Error).message}; rolling back the restore also failed: ${unrepaired.join('; ')}`);
    }
    throw error;
  }
  return steps.flatMap((step) => (step.replacedDir ? [step.replacedDir] : []));
}

/** Undoes each step as far as it went; returns what could not be undone (each step is tried regardless). */
async function rollBack(collectionsDir: string, live: Map<string, Collection>, steps: SwapStep[], reopen: (name: string) => Promise<Collection>): Promise<string[]> {
  const failures: string[] = [];
  for (const step of steps) {
    const name = step.fresh.name;
    const target = path.join(collectionsDir, name);
    try {
      if (step.freshIn) {
        live.delete(name);
        await fs.rename(target, step.stagedDir);
        step.fresh.relocate(step.stagedDir);
      }
      if (step.replacedDir && (await pathExists(step.replacedDir))) await fs.rename(step.replacedDir, target);
      if (step.oldRemoved) live.set(name, await reopen(name));
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  await fsyncDir(collectionsDir).catch((error: Error) => failures.push(`fsync ${collectionsDir}: ${error.message}`));
  return failures;
}

/** At open: finishes or undoes a swap a crash interrupted (see REPLACED_PATTERN). */
export async function recoverReplaced(collectionsDir: string): Promise<void> {
  for (const entry of await fs.readdir(collectionsDir)) {
    const name = REPLACED_PATTERN.exec(entry)?.[1];
    if (!name) continue;
    const replaced = path.join(collectionsDir, entry);
    if (await pathExists(path.join(collectionsDir, name))) await fs.rm(replaced, { recursive: true, force: true });
    else await fs.rename(replaced, path.join(collectionsDir, name));
  }
  await fsyncDir(collectionsDir);
}
