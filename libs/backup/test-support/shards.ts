import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { BackupManifest, collectionDigests, fetchBackup } from '@hivehub/backup';
import { Shard, ShardStore } from '@hivehub/shard';
import type { ObjectStorage } from '@hivehub/storage';
import { points, randomVectors } from '../../shard/test-support/fixtures';

export const DIM = 64;

/** A node's shard directory for one test file. */
export function shardRoot(): { dir: string; store: () => ShardStore; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'hivehub-backup-shards-'));
  const stores: ShardStore[] = [];
  return {
    dir,
    store: () => {
      const store = new ShardStore({ rootDir: dir });
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(stores.map((store) => store.closeAll()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * 'docs': 5000 points checkpointed (files over a MiB, so uploads stream in parts)
 * plus a WAL tail with a delete; 'notes': WAL only, with UUID ids.
 */
export async function fillSource(shard: Shard): Promise<void> {
  await shard.createCollection({ collection: 'docs', config: { size: DIM, distance: 'Cosine', hnsw: { m: 8, ef_construct: 40 } } });
  const vectors = randomVectors(5000, DIM, 11);
  for (let at = 0; at < vectors.length; at += 1000) {
    const batch = points(vectors.slice(at, at + 1000), (i) => ({ n: at + i, tag: (at + i) % 3 === 0 ? 'a' : 'b' }), at);
    await shard.upsert({ collection: 'docs', wait: true, points: batch });
  }
  await shard.checkpoint('docs');
  await shard.upsert({ collection: 'docs', wait: true, points: points(randomVectors(20, DIM, 12), () => ({ tail: true }), 9000) });
  await shard.deletePoints({ collection: 'docs', wait: true, selector: { points: [1, 2, 3] } });
  await shard.createCollection({ collection: 'notes', config: { size: 4, distance: 'Dot' } });
  const ids = ['6f1c2a3b-0000-4000-8000-000000000001', '6f1c2a3b-0000-4000-8000-000000000002'];
  await shard.upsert({ collection: 'notes', wait: true, points: ids.map((id, i) => ({ id, vector: [i, 1, 2, 3], payload: { note: `n${i}` } })) });
}

const queries = randomVectors(10, DIM, 77);

/** What a user sees of a collection: every point (vector and payload) and some searches. */
export async function observe(shard: Shard, collection: string) {
  const all = await shard.scroll({ collection, request: { limit: 100_000, with_vector: true, with_payload: true } });
  const info = await shard.getCollection({ collection });
  const searches =
    info.config.size === DIM
      ? await Promise.all(queries.map((vector) => shard.search({ collection, request: { vector, limit: 10, with_payload: true } })))
      : [];
  return { points: all.points, count: info.points_count, config: info.config, searches };
}

/** fetchBackup into a fresh staging dir of `target`, then installCollections. */
export async function restore(
  storage: ObjectStorage,
  prefix: string,
  manifest: BackupManifest,
  target: Shard,
  options: { collections?: string[]; targetPrefix?: string; overwrite?: boolean } = {},
) {
  const staging = await target.stagingDir();
  const collections = options.collections ?? manifest.collections.map((collection) => collection.name);
  try {
    await fetchBackup({ storage, prefix, manifest, collections, intoDir: (name) => path.join(staging, name) });
    // As the worker's restore does: fetchBackup verified every byte, so the shard need not hash them again.
    const staged = collections.map((name) => ({ dir: path.join(staging, name), as: `${options.targetPrefix ?? ''}${name}`, verifiedDigests: collectionDigests(manifest, name) }));
    return await target.installCollections(staged, { overwrite: options.overwrite ?? false });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
