import type { Readable } from 'node:stream';

export interface PutOptions {
  /** The exact size of `body`; a body of another size fails the put. */
  contentLength?: number;
  signal?: AbortSignal;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/**
 * The object storage port. Keys are `/`-separated relative paths such as
 * `tenants/<tenantId>/backups/<backupId>/manifest.json`. A `put` is atomic: a reader
 * sees the whole object or nothing, never a partial one.
 */
export interface ObjectStorage {
  /** Human-readable description for logs and readiness output (never secrets). */
  readonly description: string;
  /**
   * Stores `body` under `key`, all or nothing. `signal` aborts it, requests in flight
   * included (a cancelled backup must not keep uploading a part); nothing is stored then.
   */
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<void>;
  /** Streams the object; throws DomainError('not_found') when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Size and date of the object, or null when it does not exist. */
  head(key: string): Promise<StoredObject | null>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Throws when the storage cannot be reached or written; used by readiness. */
  check(): Promise<void>;
}

/** Nest injection token for the configured ObjectStorage. */
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');
