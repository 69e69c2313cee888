import { Readable } from 'stream';
import { extract as tarExtract } from 'tar-stream';
import { createGunzip } from 'zlib';
import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError, BackupError } from './backup-error';
import {
  BackupFileEntry,
  BackupManifest,
  dataKey,
  encodeManifest,
  MANIFEST_NAME,
  manifestKey,
  MAX_MANIFEST_BYTES,
  parseManifest,
  sha256Hex,
} from './backup-manifest';
import { removeUnder } from './storage-cleanup';
import { putVerified, readCapped } from './verified-stream';
import { newAttemptId, StoredBackup } from './write-backup';

export interface ImportArchiveOptions {
  /** backup.tar.gz as archiveStream writes it. */
  stream: NodeJS.ReadableStream;
  storage: ObjectStorage;
  /** The uploader's `tenants/<tenantId>/backups/<backupId>`. */
  prefix: string;
  tenantId: string;
  backupId: string;
  /** Refuses (too_large) an archive whose manifest declares more data than this. */
  maxBytes?: number;
}

const bad = (why: string) => new BackupError('bad_archive', `archive: ${why}`, true);

/**
 * Stores an uploaded archive as a backup of the uploader. Everything is verified
 * on the way: the manifest's shape (first entry), every entry named by it exactly
 * once with its size and sha256, nothing else. The stored manifest names the
 * uploader's tenant and backup ids (the ids inside the archive grant nothing), and
 * it is written only after all of that passed; on any failure what this import
 * stored is removed. On failure the input stream is left unpiped, unconsumed.
 */
export async function importArchive(options: ImportArchiveOptions): Promise<StoredBackup> {
  const { storage, prefix } = options;
  const attemptId = newAttemptId();
  const input = options.stream as Readable;
  const gunzip = createGunzip();
  const extract = tarExtract();
  const abort = (error: Error) => extract.destroy(error);
  input.once('error', abort);
  gunzip.once('error', (error) => abort(bad(`not a gzip-compressed tar: ${error.message}`)));
  input.pipe(gunzip).pipe(extract);
  try {
    let archived: BackupManifest | null = null;
    const expected = new Map<string, { collection: string; file: BackupFileEntry }>();
    const seen = new Set<string>();
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '');
      if (entry.header.type === 'directory') {
        entry.resume();
        continue;
      }
      if (entry.header.type !== 'file') throw bad(`${name} is a ${entry.header.type}, only plain files are allowed`);
      if (!archived) {
        if (name !== MANIFEST_NAME) throw bad(`the first entry must be ${MANIFEST_NAME}, not ${name}`);
        archived = parseManifest(await readCapped(entry, MAX_MANIFEST_BYTES, MANIFEST_NAME), 'archive', { stored: false });
        if (options.maxBytes !== undefined && archived.total_bytes > options.maxBytes) {
          throw new BackupError('too_large', `archive: holds ${archived.total_bytes} bytes of data, at most ${options.maxBytes} are allowed`, true);
        }
        for (const collection of archived.collections) {
          for (const file of collection.files) expected.set(`${collection.name}/${file.path}`, { collection: collection.name, file });
        }
        continue;
      }
      const wanted = expected.get(name);
      if (!wanted) throw bad(`${name} is not listed in the manifest`);
      if (seen.has(name)) throw bad(`${name} appears twice`);
      seen.add(name);
      if (entry.header.size !== wanted.file.size) {
        throw new BackupError('checksum_mismatch', `${name}: the manifest says ${wanted.file.size} bytes, the archive holds ${entry.header.size}`, true);
      }
      const key = dataKey(prefix, attemptId, wanted.collection, wanted.file.path);
      await putVerified(storage, key, Readable.from(entry), { what: name, ...wanted.file });
    }
    if (!archived) throw bad('it holds no manifest.json');
    const absent = [...expected.keys()].filter((name) => !seen.has(name));
    if (absent.length > 0) throw bad(`files listed in the manifest are missing: ${absent.join(', ')}`);
    return await storeManifest(storage, prefix, archived, options, attemptId);
  } catch (error) {
    input.unpipe(gunzip);
    gunzip.destroy();
    extract.destroy();
    await removeUnder(storage, `${prefix}/${attemptId}/`);
    throw error instanceof BackupError ? error : bad((error as Error).message);
  } finally {
    input.removeListener('error', abort);
  }
}

async function storeManifest(
  storage: ObjectStorage,
  prefix: string,
  archived: BackupManifest,
  ids: { tenantId: string; backupId: string },
  attemptId: string,
): Promise<StoredBackup> {
  const manifest: BackupManifest = {
    format: archived.format,
    tenant_id: ids.tenantId,
    backup_id: ids.backupId,
    created_at: archived.created_at,
    attempt_id: attemptId,
    collections: archived.collections,
    total_bytes: archived.total_bytes,
  };
  const body = encodeManifest(manifest);
  await storage.put(manifestKey(prefix), body).catch((error) => {
    throw asBackupError(error, `storing ${manifestKey(prefix)}`);
  });
  return { manifest, manifestSha256: sha256Hex(body), sizeBytes: manifest.total_bytes + body.length };
}
