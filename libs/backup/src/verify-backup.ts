import { promises as fs } from 'fs';
import * as path from 'path';
import { ShardError, ShardStore } from '@hivehub/shard';
import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError, BackupError, cancelled } from './backup-error';
import { BackupManifest, dataKey } from './backup-manifest';
import { checkCollection, CollectionChecked } from './collection-checks';
import { fetchBackup, readManifest } from './fetch-backup';
import { BackupProgress } from './transfer-group';

export type VerificationCode = 'checksum_mismatch' | 'bad_archive' | 'count_mismatch' | 'search_mismatch' | 'missing';

export interface VerifyBackupOptions {
  storage: ObjectStorage;
  prefix: string;
  /** The manifest's sha256 recorded when the backup was written (the row's `sha256`). */
  expectedManifestSha256: string;
  /** A directory of the verifier's own (created if missing, always removed): the backup is downloaded and loaded there. */
  scratchDir: string;
  signal?: AbortSignal;
  onProgress?: (progress: BackupProgress) => void;
}

export interface VerifiedBackup {
  ok: true;
  checked: { files: number; bytes: number; collections: CollectionChecked[] };
}

export interface FailedVerification {
  ok: false;
  code: VerificationCode;
  message: string;
}

/** The throw-away shard the backup is restored into: a tenant id no real tenant needs. */
const SCRATCH_TENANT = 'verify';

/**
 * Proves a stored backup restorable by doing what a restore does, into a scratch
 * directory instead of a live shard: the manifest against the sha256 recorded at
 * write time, every object's size and sha256 while it streams to disk, then each
 * collection opened exactly as a restore opens it (checkpoint checksums, graph read
 * not rebuilt, WAL tail replayed) and checked (point count, sampled self-searches).
 *
 * A damaged backup is a result (`ok: false` with a code), never a throw; storage or
 * local disk trouble throws (BackupError 'storage', transient) so the caller retries;
 * an abort throws `cancelled`. The scratch directory is removed whatever happens.
 */
export async function verifyBackup(options: VerifyBackupOptions): Promise<VerifiedBackup | FailedVerification> {
  const { storage, prefix, scratchDir } = options;
  await fs.mkdir(scratchDir, { recursive: true });
  // Nothing is written to the scratch shard, so a background fsync failure there could only concern throw-away files.
  const store = new ShardStore({ rootDir: path.join(scratchDir, 'shards'), onBackgroundError: () => undefined });
  try {
    const manifest = await abortable(readManifest(storage, prefix, options.expectedManifestSha256), options.signal);
    if (!manifest) return failed('missing', `${prefix}/manifest.json is missing: the backup is gone from storage`);
    const missing = await abortable(missingObjects(storage, prefix, manifest), options.signal);
    if (missing.length > 0) return failed('missing', `objects named by the manifest are missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);

    const shard = await store.open(SCRATCH_TENANT);
    // Not shard.stagingDir(): `.staging-*` names a restore of live data on a node; this
    // is scratch on the same filesystem (the install is a rename), removed below.
    const downloads = path.join(scratchDir, 'download');
    const names = manifest.collections.map((collection) => collection.name);
    await fetchBackup({ storage, prefix, manifest, collections: names, intoDir: (name) => path.join(downloads, name), signal: options.signal, onProgress: options.onProgress });
    options.signal?.throwIfAborted();
    report(options, 'loading', manifest);
    await shard.installCollections(names.map((name) => ({ dir: path.join(downloads, name), as: name })), { overwrite: false });
    report(options, 'checking', manifest);
    const checked: CollectionChecked[] = [];
    for (const entry of manifest.collections) {
      options.signal?.throwIfAborted();
      const result = await checkCollection(shard, entry);
      if ('code' in result) return failed(result.code, result.message);
      checked.push(result);
    }
    const files = manifest.collections.reduce((sum, collection) => sum + collection.files.length, 0);
    return { ok: true, checked: { files, bytes: manifest.total_bytes, collections: checked } };
  } catch (error) {
    return asVerdict(error, options.signal);
  } finally {
    await store.closeAll().catch(() => undefined);
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}

/** A storage call that hangs must not hold up a cancel (fetchBackup handles its own streams). */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Listing once names every missing object, where fetching would stop at the first. */
async function missingObjects(storage: ObjectStorage, prefix: string, manifest: BackupManifest): Promise<string[]> {
  const stored = new Set<string>();
  try {
    for await (const object of storage.list(`${prefix}/${manifest.attempt_id}/`)) stored.add(object.key);
  } catch (error) {
    throw asBackupError(error, `listing ${prefix}`);
  }
  return manifest.collections.flatMap((collection) =>
    collection.files.filter((file) => !stored.has(dataKey(prefix, manifest.attempt_id, collection.name, file.path))).map((file) => `${collection.name}/${file.path}`),
  );
}

/**
 * What the data says becomes a verdict; what the environment says is thrown. The
 * shard refuses what it cannot serve (a checkpoint file that disagrees with the
 * collection's own manifest, a damaged WAL, an invalid config) as `corrupt`; any
 * other refusal is the verifier's own mistake, never reported as a damaged backup.
 */
function asVerdict(error: unknown, signal?: AbortSignal): FailedVerification {
  if (signal?.aborted) throw cancelled();
  if (error instanceof BackupError) {
    if (error.code === 'checksum_mismatch' || error.code === 'bad_archive') return failed(error.code, error.message);
    if (error.code === 'not_found') return failed('missing', error.message);
    throw error;
  }
  if (error instanceof ShardError && error.code === 'corrupt') return failed('bad_archive', `the backup does not load as a restore would: ${error.message}`);
  throw asBackupError(error, 'verifying');
}

function failed(code: VerificationCode, message: string): FailedVerification {
  return { ok: false, code, message };
}

function report(options: VerifyBackupOptions, phase: string, manifest: BackupManifest): void {
  try {
    options.onProgress?.({ phase, bytesDone: manifest.total_bytes, bytesTotal: manifest.total_bytes });
  } catch {
    // progress is advisory, as everywhere in this library
  }
}
