import { DomainError } from '@hivehub/common';

/** Marks in-flight writes of FsObjectStorage; such names are never valid keys. */
export const TEMP_MARKER = '.hivehub-tmp-';

export const MAX_KEY_BYTES = 1024;

/**
 * Rejects keys that could escape the storage root on a filesystem or that S3 and a
 * filesystem would treat differently. Both drivers apply it so a key that works in
 * development also works in production.
 */
export function assertValidKey(key: string): void {
  const reject = (why: string) => {
    throw new DomainError('bad_request', `Invalid object key: ${why}`, { key });
  };
  if (typeof key !== 'string' || key.length === 0) reject('it is empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) reject(`it is longer than ${MAX_KEY_BYTES} bytes`);
  if (key.includes('\0')) reject('it contains NUL');
  if (key.includes('\\')) reject('it contains a backslash');
  if (key.startsWith('/')) reject('it is absolute');
  for (const segment of key.split('/')) {
    if (segment === '') reject('it has an empty segment');
    if (segment === '.' || segment === '..') reject(`it has a "${segment}" segment`);
    if (segment.includes(TEMP_MARKER)) reject(`it contains the reserved "${TEMP_MARKER}"`);
  }
}

/**
 * A prefix need not end on a segment boundary (`backups/2024-` is fine), but the
 * directories it names must be valid, so it can never point outside the root.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const dirs = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const last = prefix.slice(dirs.length);
  // A stand-in last segment lets assertValidKey judge the directory part alone.
  assertValidKey(`${dirs}${last === '' || last === '.' || last === '..' ? '_' : last}`);
}

/** S3 orders keys by their UTF-8 bytes; JS string order differs beyond the BMP. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
