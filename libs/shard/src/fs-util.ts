import { createHash, randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

/**
 * File-system steps whose order is what makes the shard crash-safe: data is fsynced
 * before the name that makes it reachable is created, and a rename is fsynced in its
 * directory before anything relies on it.
 */

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface FileDigest {
  size: number;
  sha256: string;
}

/** Writes chunks to a new file, fsyncs it, and returns its size and sha256. */
export async function writeFileDurably(file: string, chunks: Iterable<Buffer>): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await fs.open(file, 'wx');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
        written += bytesWritten;
      }
      hash.update(chunk);
      size += chunk.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex') };
}

/** fsyncs an existing file (e.g. one a native library wrote) and returns its digest. */
export async function syncAndDigest(file: string): Promise<FileDigest> {
  await fsyncFile(file);
  return digestFile(file);
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex') };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Replaces `file` atomically: a reader sees the old content or the new, never a mix. */
export async function writeFileAtomically(file: string, content: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFileDurably(temporary, [typeof content === 'string' ? Buffer.from(content, 'utf8') : content]);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await fsyncDir(dir);
}

/** fsyncs every file and directory under `dir` (files written by someone else before they become reachable). */
export async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(child);
    else if (entry.isFile()) await fsyncFile(child);
  }
  await fsyncDir(dir);
}

export async function pathExists(target: string): Promise<boolean> {
  try {
    await fs.access(target);
    return true;
  } catch {
    return false;
  }
}

export function randomSuffix(): string {
  return randomBytes(8).toString('hex');
}
