import { DomainError } from '@hivehub/common';
import { ShardError, type ShardErrorCode } from '@hivehub/shard';

/** How a failed run is recorded on its row, and whether another attempt could succeed. */
export interface Failure {
  code: string;
  message: string;
  permanent: boolean;
}

/** A refusal of the job's own (the backup to restore is gone, …): permanent by nature. */
export class JobRefusal extends Error {
  readonly permanent = true;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Shard refusals are about the data, so retrying cannot help; only a closing shard is passing. */
const SHARD_CODES: Record<ShardErrorCode, { code: string; permanent: boolean }> = {
  bad_request: { code: 'bad_request', permanent: true },
  validation: { code: 'bad_request', permanent: true },
  not_found: { code: 'collection_not_found', permanent: true },
  conflict: { code: 'conflict', permanent: true },
  quota_exceeded: { code: 'quota_exceeded', permanent: true },
  corrupt: { code: 'corrupt', permanent: true },
  closed: { code: 'unavailable', permanent: false },
};

/** Storage refusals that another attempt cannot change (a missing object, an invalid key). */
const PERMANENT_DOMAIN = new Set(['not_found', 'bad_request', 'validation_failed', 'quota_exceeded']);

/**
 * Classifies what a run threw. Errors that carry their own `code` and `permanent`
 * (the backup library's BackupError, JobRefusal) say it themselves; everything
 * unknown is taken as transient (timeouts, connection resets) and retried with back-off.
 */
export function classifyFailure(err: unknown): Failure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ShardError) return { ...SHARD_CODES[err.code], message };
  if (err instanceof DomainError) return { code: err.code, message, permanent: PERMANENT_DOMAIN.has(err.code) };
  const own = err as { code?: unknown; permanent?: unknown } | null;
  if (own && typeof own.code === 'string' && typeof own.permanent === 'boolean') return { code: own.code, message, permanent: own.permanent };
  return { code: 'transient', message, permanent: false };
}
