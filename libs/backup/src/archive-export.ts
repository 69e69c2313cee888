import { PassThrough, Readable } from 'stream';
import { pack as tarPack, Pack } from 'tar-stream';
import { createGzip } from 'zlib';
import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError, BackupError } from './backup-error';
import { BackupManifest, dataKey, encodeManifest, MANIFEST_NAME } from './backup-manifest';
import { readManifest } from './fetch-backup';
import { DigestStream, openObject } from './verified-stream';

/** Floats barely compress: the fastest level keeps a download at network speed. */
const GZIP_LEVEL = 1;

/**
 * The backup as `backup.tar.gz`: manifest.json first (without the storage-only
 * attempt_id), then every file as `<collection>/<path>`. Each object is verified
 * against the manifest while it streams; any failure (a missing backup is
 * `not_found`, so callers that answer 404 should readManifest first) destroys the
 * returned stream, so a client never receives a truncated archive as if complete.
 */
export function archiveStream(storage: ObjectStorage, prefix: string): NodeJS.ReadableStream {
  const pack = tarPack();
  const gzip = createGzip({ level: GZIP_LEVEL });
  const output = new PassThrough();
  let current: Readable | null = null;
  let finished = false;
  // The consumer went away (a client disconnect): stop reading storage.
  output.once('close', () => {
    if (finished) return;
    current?.destroy(new Error('the archive stream was closed by its reader'));
    pack.destroy();
  });
  // Failures reach the consumer through `output`; the inner streams only need to stop.
  pack.on('error', () => undefined);
  gzip.on('error', (error) => output.destroy(error));
  (pack as unknown as Readable).pipe(gzip).pipe(output);

  (async () => {
    const manifest = await readManifest(storage, prefix);
    if (!manifest) throw new BackupError('not_found', `backup ${prefix} not found`, true);
    const manifestBytes = encodeManifest(archivedManifest(manifest));
    await addEntry(pack, MANIFEST_NAME, manifestBytes, manifestBytes.length);
    for (const collection of manifest.collections) {
      for (const file of collection.files) {
        if (output.destroyed) return;
        const what = `${collection.name}/${file.path}`;
        current = await openObject(storage, dataKey(prefix, manifest.attempt_id, collection.name, file.path), what);
        const digest = new DigestStream({ what, ...file });
        current.once('error', (error) => digest.destroy(error));
        await addEntry(pack, what, current.pipe(digest), file.size);
      }
    }
    finished = true;
    pack.finalize();
  })().catch((error) => {
    finished = true;
    output.destroy(asBackupError(error, `archiving ${prefix}`));
    pack.destroy();
  });
  return output;
}

/** What travels: the storage location of the data means nothing outside this storage. */
function archivedManifest(manifest: BackupManifest): Omit<BackupManifest, 'attempt_id'> {
  const { attempt_id: _storageOnly, ...rest } = manifest;
  return rest;
}

/** Writes one tar entry with backpressure; rejects if the source fails or the pack is destroyed. */
function addEntry(pack: Pack, name: string, source: Buffer | Readable, size: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mode: 0o644, mtime: new Date() }, (error) => (error ? reject(error) : resolve()));
    if (Buffer.isBuffer(source)) {
      entry.end(source);
      return;
    }
    (async () => {
      for await (const chunk of source) {
        if (!entry.write(chunk)) await drained(entry as unknown as NodeJS.EventEmitter);
      }
      (entry as NodeJS.WritableStream).end();
    })().catch((error: Error) => {
      entry.destroy(); // without the error: the pack would re-emit it with nobody listening; it is reported through `reject`
      reject(error);
    });
  });
}

/** Waits for 'drain', failing instead of hanging when the entry is destroyed (the reader went away). */
function drained(entry: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      entry.off('drain', onDrain);
      entry.off('close', onClose);
      entry.off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the archive entry was closed'));
    entry.on('drain', onDrain);
    entry.on('close', onClose);
    entry.on('error', settle);
  });
}
