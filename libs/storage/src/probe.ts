import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DomainError } from '@hivehub/common';
import type { ObjectStorage } from './object-storage';

export const PROBE_PREFIX = '.hivehub-probe/';

/**
 * Writes, reads back and deletes a small object. Each call uses its own key so that
 * several processes checking the same storage at once never see each other's probe.
 */
export async function probeRoundTrip(storage: ObjectStorage): Promise<void> {
  const key = `${PROBE_PREFIX}${process.pid}-${randomBytes(8).toString('hex')}`;
  const payload = Buffer.from(`hivehub probe ${new Date().toISOString()}`);
  await storage.put(key, payload);
  try {
    const readBack = await readAll(await storage.get(key));
    if (!readBack.equals(payload)) {
      throw new DomainError('unavailable', `Object storage ${storage.description} returned other bytes than written`);
    }
  } finally {
    await storage.delete(key);
  }
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Readiness reports every failed check as `unavailable`, whatever the underlying error. */
export function checkFailed(description: string, err: unknown): DomainError {
  if (err instanceof DomainError && err.code === 'unavailable') return err;
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new DomainError('unavailable', `Object storage ${description} failed its check: ${reason}`);
}
