import { randomAlphanumeric, randomToken, sha256Hex, sha256Matches } from '@hivehub/common';

/**
 * A key reads `hh_<key id>_<secret>`: the id finds the row, the secret (32 random
 * bytes) is checked against its sha256. Only the hash is stored; the key is shown once.
 */
const KEY_FORMAT = /^hh_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface MintedKey {
  keyId: string;
  key: string;
  secretHash: string;
}

export function mintApiKey(): MintedKey {
  const keyId = randomAlphanumeric(12);
  const secret = randomToken(32);
  return { keyId, key: `hh_${keyId}_${secret}`, secretHash: sha256Hex(secret) };
}

/** The key id and secret of a well-formed key, or null. */
export function parseApiKey(key: string): { keyId: string; secret: string } | null {
  const match = KEY_FORMAT.exec(key);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function secretMatches(secret: string, secretHash: string): boolean {
  return sha256Matches(secret, secretHash);
}
