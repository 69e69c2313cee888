import { DomainError } from '@hivehub/common';

/** `?limit=` of a listing: an integer from 1 to max, or the fallback when absent. */
export function parseLimit(raw: string | undefined, fallback = 100, max = 1000): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new DomainError('validation_failed', `limit must be an integer from 1 to ${max}`);
  }
  return n;
}

/**
 * An opaque `next_cursor` for keyset pagination over (created_at, id): the position of
 * the last row of a page, base64url so callers treat it as a token, not a query.
 */
export function encodeTimeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeTimeCursor(raw: string | undefined): { createdAt: Date; id: string } | undefined {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [at, id] = Array.isArray(parsed) ? parsed : [];
  const createdAt = typeof at === 'string' ? new Date(at) : undefined;
  if (!createdAt || Number.isNaN(createdAt.getTime()) || typeof id !== 'string') {
    throw new DomainError('validation_failed', 'cursor is not a next_cursor this listing returned');
  }
  return { createdAt, id };
}
