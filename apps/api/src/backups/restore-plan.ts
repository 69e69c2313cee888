import { DomainError } from '@hivehub/common';

export interface RestoreRequest {
  /** Collection names the backup holds. */
  inBackup: string[];
  /** Names asked for; undefined = all of the backup. */
  requested?: string[];
  targetPrefix: string;
  overwrite: boolean;
  /** The tenant's live collection names. */
  live: string[];
  maxCollections: number;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Which collections a restore takes and the names they land under, or the reason it
 * must be refused before anything changes: names the backup lacks (422), names too
 * long with the prefix (422), existing targets without overwrite (409 naming them),
 * more collections than the plan allows (429).
 */
export function restorePlan(req: RestoreRequest): { sources: string[]; targets: string[] } {
  const sources = req.requested ?? req.inBackup;
  const absent = sources.filter((n) => !req.inBackup.includes(n));
  if (absent.length > 0) {
    throw new DomainError('validation_failed', `collections: the backup holds no collection named ${absent.join(', ')}`, { collections: absent });
  }
  const targets = sources.map((n) => `${req.targetPrefix}${n}`);
  const invalid = targets.filter((n) => !NAME.test(n));
  if (invalid.length > 0) {
    throw new DomainError('validation_failed', `target_prefix makes invalid collection names (at most 255 characters): ${invalid.map((n) => `${n.slice(0, 40)}…`).join(', ')}`);
  }
  const existing = targets.filter((n) => req.live.includes(n));
  if (existing.length > 0 && !req.overwrite) {
    throw new DomainError(
      'conflict',
      `these collections exist: ${existing.join(', ')}; restore with "overwrite": true to replace them, or a "target_prefix" to restore beside them`,
      { collections: existing },
    );
  }
  const after = new Set([...req.live, ...targets]).size;
  if (after > req.maxCollections) {
    throw new DomainError('quota_exceeded', `the restore would leave ${after} collections; the plan allows ${req.maxCollections} (max_collections)`, {
      quota: 'max_collections',
      limit: req.maxCollections,
    });
  }
  return { sources, targets };
}
