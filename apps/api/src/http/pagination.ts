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
