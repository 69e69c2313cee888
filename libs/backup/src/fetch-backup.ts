import { promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError, BackupError, isNotFound } from './backup-error';
import { BackupManifest, dataKey, manifestKey, MAX_MANIFEST_BYTES, parseManifest, sha256Hex } from './backup-manifest';
import { DigestStream, openObject, readCapped } from './verified-stream';
import { BackupProgress, ProgressReporter, TransferGroup } from './transfer-group';

/**
 * The backup's manifest, or null when there is none: a backup without manifest
 * does not exist (an attempt still running or one that died). A damaged one is
 * `bad_archive`; with `expectedSha256` (recorded when it was written) any change
 * at all is `checksum_mismatch`.
 */
export async function readManifest(storage: ObjectStorage, prefix: string, expectedSha256?: string): Promise<BackupManifest | null> {
  const key = manifestKey(prefix);
  let bytes: Buffer;
  try {
    bytes = await readCapped(await storage.get(key), MAX_MANIFEST_BYTES, key);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw asBackupError(error, `reading ${key}`);
  }
  if (expectedSha256 !== undefined && sha256Hex(bytes) !== expectedSha256) {
    throw new BackupError('checksum_mismatch', `${key}: sha256 ${sha256Hex(bytes)}, the backup recorded ${expectedSha256}`, true);
  }
  return parseManifest(bytes, key, { stored: true });
}

export interface FetchBackupOptions {
  storage: ObjectStorage;
  prefix: string;
  manifest: BackupManifest;
  /** Names as in the manifest. */
  collections: string[];
  /** The (empty or missing) directory a collection's files go to, e.g. `<shard staging dir>/<name>`. */
  intoDir: (collection: string) => string;
  signal?: AbortSignal;
  onProgress?: (progress: BackupProgress) => void;
}

/**
 * Downloads the collections' files, each verified (size and sha256) while it
 * streams to disk; a mismatch is `checksum_mismatch` naming the file.
 * On failure the caller removes the directories (they are its staging).
 */
export async function fetchBackup(options: FetchBackupOptions): Promise<void> {
  const { storage, prefix, manifest } = options;
  const missing = options.collections.filter((name) => !manifest.collections.some((collection) => collection.name === name));
  if (missing.length > 0) throw new BackupError('not_found', `collections not in the backup: ${missing.join(', ')}`, true);
  const files = manifest.collections
    .filter((collection) => options.collections.includes(collection.name))
    .flatMap((collection) => collection.files.map((file) => ({ collection: collection.name, file })));
  const progress = new ProgressReporter(options.onProgress, 'download', files.reduce((sum, { file }) => sum + file.size, 0));
  const group = new TransferGroup(options.signal);
  try {
    await group.run(files, async ({ collection, file }) => {
      const key = dataKey(prefix, manifest.attempt_id, collection, file.path);
      const target = path.join(options.intoDir(collection), ...file.path.split('/'));
      await fs.mkdir(path.dirname(target), { recursive: true });
      const source = group.track(await openObject(storage, key, `${collection}/${file.path}`));
      const digest = group.track(new DigestStream({ what: `${collection}/${file.path}`, ...file }, progress.add));
      await pipeline(source, digest, (verified) => writeFile(verified, target)).catch((error) => {
        throw asBackupError(digest.errored ?? error, `downloading ${key}`);
      });
    });
  } finally {
    progress.stop();
    group.dispose();
  }
}

/**
 * Not fsynced here: installCollections fsyncs the whole staged tree before it
 * opens it, and meanwhile the kernel writes back while the next file downloads.
 */
async function writeFile(source: AsyncIterable<Buffer>, file: string): Promise<void> {
  const handle: FileHandle = await fs.open(file, 'wx');
  try {
    for await (const chunk of source) {
      let written = 0;
      while (written < chunk.length) written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
    }
  } finally {
    await handle.close();
  }
}
