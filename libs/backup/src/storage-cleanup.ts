import type { ObjectStorage } from '@hivehub/storage';
import { asBackupError } from './backup-error';
import { MANIFEST_NAME } from './backup-manifest';

/** Best effort: a cleanup that fails (storage down) must not hide why the transfer failed; deleteBackup retries it. */
export async function removeUnder(storage: ObjectStorage, keyPrefix: string): Promise<void> {
  try {
    await deleteAll(storage, keyPrefix, () => true);
  } catch {
    // left for deleteBackup
  }
}

/** After a manifest is written: objects of other (dead or superseded) attempts. */
export async function removeAttemptsExcept(storage: ObjectStorage, prefix: string, attemptId: string): Promise<void> {
  const keep = [`${prefix}/${MANIFEST_NAME}`];
  try {
    await deleteAll(storage, `${prefix}/`, (key) => !keep.includes(key) && !key.startsWith(`${prefix}/${attemptId}/`));
  } catch {
    // left for deleteBackup
  }
}

/** The manifest goes first, so a half-deleted backup no longer exists for readers. */
export async function deleteBackup(storage: ObjectStorage, prefix: string): Promise<void> {
  try {
    await storage.delete(`${prefix}/${MANIFEST_NAME}`);
    await deleteAll(storage, `${prefix}/`, () => true);
  } catch (error) {
    throw asBackupError(error, `deleting ${prefix}`);
  }
}

async function deleteAll(storage: ObjectStorage, keyPrefix: string, wanted: (key: string) => boolean): Promise<void> {
  const keys: string[] = [];
  for await (const object of storage.list(keyPrefix)) if (wanted(object.key)) keys.push(object.key);
  for (const key of keys) await storage.delete(key);
}
