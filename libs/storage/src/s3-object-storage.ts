import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@hivehub/common';
import type { StorageConfig } from '@hivehub/config';
import { assertValidKey, assertValidPrefix } from './object-key';
import type { ObjectStorage, PutOptions, StoredObject } from './object-storage';
import { checkFailed, probeRoundTrip } from './probe';

export type S3Settings = StorageConfig['s3'];

const MiB = 1024 * 1024;
export const MULTIPART_PART_SIZE = 8 * MiB;
const MULTIPART_QUEUE_SIZE = 4;
/** Bounds the whole readiness check, retries included, even when packets are dropped. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * Objects in one S3 (or S3-compatible) bucket. PutObject and
 * CompleteMultipartUpload are atomic on S3, which gives the port's all-or-nothing put.
 */
export class S3ObjectStorage implements ObjectStorage {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    if (!settings.bucket) throw new Error('S3ObjectStorage needs a bucket');
    this.bucket = settings.bucket;
    this.description = `s3:${settings.bucket}@${settings.endpoint ? safeEndpoint(settings.endpoint) : `aws/${settings.region}`}`;
    const config: S3ClientConfig = {
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Without explicit keys the SDK's default chain (env, profile, instance role) applies.
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      // connectionTimeout keeps readiness from hanging on an unreachable host;
      // socketTimeout is an idle limit, so large transfers are not cut short.
      requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
      maxAttempts: 3,
    };
    if (settings.endpoint) {
      // Since SDK 3.729 every upload carries CRC32 checksum headers by default, which
      // several S3-compatible stores (older MinIO, Backblaze B2, some cloud vendors)
      // reject. s3rver ignores them; only real AWS needs none of this care.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
  }

  async put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<void> {
    assertValidKey(key);
    if (Buffer.isBuffer(body)) {
      if (options?.contentLength !== undefined && options.contentLength !== body.length) {
        throw new DomainError('bad_request', `Object ${key}: expected ${options.contentLength} bytes, got ${body.length}`);
      }
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length }),
        { abortSignal: options?.signal },
      );
      return;
    }
    // The guard, not Upload's ContentLength, enforces the length: a wrong ContentLength
    // makes some servers (s3rver) store a truncated object instead of failing.
    const guarded = lengthGuard(key, options?.contentLength);
    pipeline(body, guarded).catch(() => undefined); // the error reaches Upload through `guarded`
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: guarded },
      partSize: MULTIPART_PART_SIZE,
      queueSize: MULTIPART_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // An abort, or a failed source, stops the requests in flight too: whatever Upload
    // has buffered (up to queueSize parts) would otherwise keep uploading.
    const abort = () => void upload.abort().catch(() => undefined);
    guarded.once('error', abort);
    options?.signal?.addEventListener('abort', abort, { once: true });
    if (options?.signal?.aborted) abort();
    try {
      await upload.done();
    } catch (err) {
      // Upload reports a failed AbortMultipartUpload instead of the cause that made it
      // abort; the source's own error is what the caller needs to see.
      const cause = guarded.errored ?? err;
      // Like pipeline(): a failed upload must not leave the caller's source open and paused.
      guarded.destroy();
      throw cause;
    } finally {
      options?.signal?.removeEventListener('abort', abort);
    }
  }

  async get(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(res.Body instanceof Readable)) throw new Error(`GetObject ${key} returned no Node stream`);
      return res.Body;
    } catch (err) {
      if (isNotFound(err)) throw new DomainError('not_found', `Object ${key} not found`, { key });
      throw err;
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: res.ContentLength ?? 0, lastModified: res.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      );
      for (const obj of page.Contents ?? []) {
        if (obj.Key === undefined) continue;
        yield { key: obj.Key, size: obj.Size ?? 0, lastModified: obj.LastModified ?? new Date(0) };
      }
      // Some servers omit IsTruncated on the last page; a missing token ends the loop either way.
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async check(): Promise<void> {
    const deadline = AbortSignal.timeout(CHECK_TIMEOUT_MS);
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: deadline });
      // A server can answer HeadBucket and then stall on writes; the deadline covers both.
      await Promise.race([probeRoundTrip(this), rejectOnAbort(deadline)]);
    } catch (err) {
      throw checkFailed(this.description, err);
    }
  }

  /** Closes pooled sockets; StorageModule calls it on shutdown. */
  destroy(): void {
    this.client.destroy();
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), { once: true });
  });
}

/** Passes bytes through, failing the stream before its end when the length is not the promised one. */
function lengthGuard(key: string, expected: number | undefined): Transform {
  let seen = 0;
  const mismatch = () => new DomainError('bad_request', `Object ${key}: expected ${expected} bytes, got ${seen}`);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(expected !== undefined && seen > expected ? mismatch() : null, chunk);
    },
    flush(callback) {
      callback(expected !== undefined && seen !== expected ? mismatch() : null);
    },
  });
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  // A missing bucket is a misconfiguration, not a missing object.
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** Endpoints may carry user:password@; descriptions end up in logs and readiness output. */
function safeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '<invalid endpoint>';
  }
}
