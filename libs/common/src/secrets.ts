import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the
 * content nor the length of the expected secret leaks through timing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  return secretMatcher(expected)(given);
}

/**
 * secretsEqual against one expected secret, hashed once: for a secret every request is
 * checked against (a node token), each check then hashes only what it was given.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const digest = createHash('sha256').update(expected).digest();
  return (given) => timingSafeEqual(createHash('sha256').update(given).digest(), digest);
}

/**
 * Whether `secret` hashes to `storedHex` (a stored sha256, lowercase hex), in constant
 * time: both digests have the same length, so only the one of the secret is computed.
 */
export function sha256Matches(secret: string, storedHex: string): boolean {
  const given = createHash('sha256').update(secret).digest();
  const stored = Buffer.from(storedHex, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/** A URL-safe random token of `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A short random lowercase alphanumeric id (for key ids that are part of a key). */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}
