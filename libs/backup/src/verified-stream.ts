import { createHash } from 'crypto';
import { Readable, Transform, TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError, BackupError, isNotFound } from './backup-error';

/** What a file must be; `sha256` is unknown while a backup is being written. */
export interface Expected {
  /** Names the file in errors, e.g. `docs/checkpoint-…/graph.hnsw`. */
  what: string;
  size: number;
  sha256?: string;
}

/** Files up to this size are put as one buffer (one request, and S3 needs no multipart for an empty file). */
const SMALL_FILE_BYTES = 1024 * 1024;

/**
 * Passes bytes through while counting and hashing them, and fails the stream (so
 * the upload or file it feeds is never completed) as soon as the bytes cannot be
 * the expected ones: more than `size`, or a wrong size or sha256 at the end.
 */
export class DigestStream extends Transform {
  bytes = 0;
  sha256 = '';
  private readonly hash = createHash('sha256');

  constructor(
    private readonly expected: Expected,
    private readonly onBytes: (count: number) => void = () => undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expected.size) return callback(this.mismatch());
    this.hash.update(chunk);
    this.onBytes(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    const { size, sha256 } = this.expected;
    callback(this.bytes !== size || (sha256 !== undefined && this.sha256 !== sha256) ? this.mismatch() : null);
  }

  private mismatch(): BackupError {
    const { what, size, sha256 } = this.expected;
    return new BackupError(
      'checksum_mismatch',
      `${what}: expected ${size} bytes${sha256 ? ` with sha256 ${sha256}` : ''}, got ${this.bytes}${this.bytes > size ? '+' : ''} bytes${this.sha256 ? ` with sha256 ${this.sha256}` : ''}`,
      true,
    );
  }
}

/**
 * Streams `source` to `key`, verified on the way: the object is only completed
 * when the bytes are the expected ones. Returns the sha256. `track` lets a
 * cancellation destroy the stream mid-transfer.
 */
export async function putVerified(
  storage: ObjectStorage,
  key: string,
  source: NodeJS.ReadableStream,
  expected: Expected,
  options: { onBytes?: (count: number) => void; track?: (stream: Transform) => void; signal?: AbortSignal } = {},
): Promise<string> {
  const digest = new DigestStream(expected, options.onBytes);
  options.track?.(digest);
  const feeding = pipeline(source, digest);
  feeding.catch(() => undefined); // its error is reported through `digest` below
  try {
    if (expected.size <= SMALL_FILE_BYTES) {
      const chunks: Buffer[] = [];
      for await (const chunk of digest) chunks.push(chunk as Buffer);
      // Verified and whole: a request this small is left to finish rather than aborted,
      // as the server may still store a body it had received in full after the client
      // gave up (and after the caller's cleanup had listed what to remove).
      await storage.put(key, Buffer.concat(chunks));
    } else {
      await storage.put(key, digest, { contentLength: expected.size, signal: options.signal });
    }
    await feeding;
  } catch (error) {
    // The stream's own failure (a mismatch, a cancel) explains more than the upload's.
    const cause = digest.errored ?? error;
    digest.destroy();
    throw asBackupError(cause, `storing ${key}`);
  }
  return digest.sha256;
}

/** Reads a whole stream, refusing one longer than `max` bytes. */
export async function readCapped(stream: AsyncIterable<unknown>, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > max) throw new BackupError('bad_archive', `${what} is larger than ${max} bytes`, true);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function readableOf(stream: NodeJS.ReadableStream | AsyncIterable<Buffer>): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream as AsyncIterable<Buffer>, { objectMode: false });
}

/** A manifest naming a missing object is a damaged backup, not a storage hiccup. */
export async function openObject(storage: ObjectStorage, key: string, what: string): Promise<Readable> {
  try {
    return (await storage.get(key)) as Readable;
  } catch (error) {
    if (isNotFound(error)) throw new BackupError('bad_archive', `${what}: the object ${key} is missing`, true);
    throw asBackupError(error, `reading ${key}`);
  }
}
