import type { CollectionInfo } from '@hivehub/shard';

interface Restored {
  name: string;
  source: string;
  points: number;
}

/**
 * A restore whose previous run died in its commit phase may have swapped its
 * collections in already (the swap is all or nothing): then every target is live
 * at exactly the backup's LSN and point count, and installing again would only
 * collide with itself. Returns what was restored in that case, else null (install).
 */
export function alreadySwappedIn(
  targets: { as: string; source: string }[],
  manifest: { collections: { name: string; lsn: number; points: number }[] },
  live: CollectionInfo[],
): Restored[] | null {
  const restored: Restored[] = [];
  for (const { as, source } of targets) {
    const wanted = manifest.collections.find((c) => c.name === source);
    const found = live.find((c) => c.name === as);
    if (!wanted || !found || found.lsn !== wanted.lsn || found.points_count !== wanted.points) return null;
    restored.push({ name: as, source, points: found.points_count });
  }
  return restored;
}
