import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@hivehub/common';
import { assertValidKey, assertValidPrefix, compareKeys, TEMP_MARKER } from './object-key';
import type { ObjectStorage, PutOptions, StoredObject } from './object-storage';
import { checkFailed, probeRoundTrip } from './probe';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Objects as plain files under one root directory: key `a/b/c.json` is
 * `<root>/a/b/c.json`. Writes go to a temp file beside the target and are renamed
 * into place, so readers see the old or the new object, never a partial one.
 */
export class FsObjectStorage implements ObjectStorage {
  readonly root: string;
  readonly description: string;

  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
    this.description = `fs:${this.root}`;
  }

  async put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    const temp = path.join(dir, `${TEMP_MARKER}${randomBytes(8).toString('hex')}`);
    let renamed = false;
    try {
      const fh = await this.createTemp(key, dir, temp);
      let written = 0;
      try {
        if (Buffer.isBuffer(body)) {
          options?.signal?.throwIfAborted();
          written = await writeAll(fh, body);
        } else {
          await pipeline(
            body,
            async (source: AsyncIterable<Buffer | string>) => {
              for await (const chunk of source) {
                written += await writeAll(fh, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
              }
            },
            { signal: options?.signal },
          );
        }
        // Checked before the rename so a truncated upload never replaces a good object.
        if (options?.contentLength !== undefined && written !== options.contentLength) {
          throw new DomainError('bad_request', `Object ${key}: expected ${options.contentLength} bytes, got ${written}`);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(temp, target).catch((err) => {
        throw errno(err) === 'EISDIR' ? conflict(key) : err;
      });
      renamed = true;
      await syncDir(dir);
    } finally {
      // Best effort: a failed cleanup must not hide why the put failed.
      if (!renamed) await fs.rm(temp, { force: true }).catch(() => undefined);
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    let fh: FileHandle;
    try {
      fh = await fs.open(file, 'r');
    } catch (err) {
      if (isMissing(err)) throw notFound(key);
      throw err;
    }
    // An open handle keeps reading the object it opened even if a put replaces it meanwhile.
    if (!(await fh.stat()).isFile()) {
      await fh.close();
      throw notFound(key);
    }
    return fh.createReadStream();
  }

  async head(key: string): Promise<StoredObject | null> {
    return statObject(this.pathOf(key), key);
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fs.unlink(file);
    } catch (err) {
      // EISDIR/EPERM: the key names a directory of other objects, so there is no such object.
      if (isMissing(err) || errno(err) === 'EISDIR' || errno(err) === 'EPERM') return;
      throw err;
    }
    await this.removeEmptyParents(path.dirname(file));
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    // Start at the deepest directory the prefix names instead of walking the whole root.
    yield* this.walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix);
  }

  async check(): Promise<void> {
    try {
      await probeRoundTrip(this);
    } catch (err) {
      throw checkFailed(this.description, err);
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    const file = path.join(this.root, ...key.split('/'));
    // Defence in depth: validation already rules out every way to leave the root.
    if (!file.startsWith(this.root + path.sep)) throw new DomainError('bad_request', `Invalid object key ${key}`);
    return file;
  }

  /** A concurrent delete may remove the (then empty) directory between mkdir and open. */
  private async createTemp(key: string, dir: string, temp: string): Promise<FileHandle> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.mkdir(dir, { recursive: true });
        return await fs.open(temp, 'wx', 0o644);
      } catch (err) {
        if (errno(err) === 'ENOTDIR' || errno(err) === 'EEXIST') throw conflict(key);
        if (errno(err) !== 'ENOENT' || attempt >= 5) throw err;
      }
    }
  }

  private async removeEmptyParents(dir: string): Promise<void> {
    while (dir.startsWith(this.root + path.sep)) {
      try {
        await fs.rmdir(dir);
      } catch {
        return; // not empty (or already gone): parents above it are not empty either
      }
      dir = path.dirname(dir);
    }
  }

  /** Yields in S3 key order: a directory sorts as `name/`, so `a/x` comes after `a-b` and before `a0`. */
  private async *walk(relDir: string, prefix: string): AsyncGenerator<StoredObject> {
    let entries;
    try {
      entries = await fs.readdir(path.join(this.root, ...relDir.split('/')), { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    const items = entries
      .filter((e) => !e.name.startsWith(TEMP_MARKER) && (e.isFile() || e.isDirectory()))
      .map((e) => ({ name: `${relDir}${e.name}${e.isDirectory() ? '/' : ''}`, isDir: e.isDirectory() }))
      .sort((a, b) => compareKeys(a.name, b.name));
    for (const item of items) {
      if (item.isDir) {
        if (item.name.startsWith(prefix) || prefix.startsWith(item.name)) yield* this.walk(item.name, prefix);
      } else if (item.name.startsWith(prefix)) {
        const found = await statObject(path.join(this.root, ...item.name.split('/')), item.name);
        if (found) yield found; // null: deleted since readdir
      }
    }
  }
}

async function statObject(file: string, key: string): Promise<StoredObject | null> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? { key, size: stat.size, lastModified: stat.mtime } : null;
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<number> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
  return buf.length;
}

/** Makes the rename itself durable; some platforms cannot fsync a directory, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(errno(err) ?? '')) throw err;
  } finally {
    await fh?.close();
  }
}

function isMissing(err: unknown): boolean {
  return errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR';
}

function notFound(key: string): DomainError {
  return new DomainError('not_found', `Object ${key} not found`, { key });
}

/** The filesystem cannot hold both `a` and `a/b`; S3 can, so callers should avoid such keys. */
function conflict(key: string): DomainError {
  return new DomainError('conflict', `Object ${key} clashes with an existing object or directory`, { key });
}
