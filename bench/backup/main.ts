// Backup and restore against their plain baselines, in one run (see BENCHMARKS.md):
//   npm run bench:backup                      # 170k x 768 (~520 MB of vectors), S3 (s3rver)
//   npm run bench:backup -- --n 20000 --dim 128 --storage fs
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HierarchicalNSW } from 'hnswlib-node';
import { collectionDigests, fetchBackup, readManifest, writeBackup } from '@hivehub/backup';
import { type Shard, ShardStore } from '@hivehub/shard';
import { FsObjectStorage, type ObjectStorage, S3ObjectStorage } from '@hivehub/storage';
import { startS3rver } from '../../test/support/s3rver';
import { HnswIndex } from '../../libs/shard/src/hnsw-index';
import { peakAbove } from './memory';

const ROOT = path.resolve(__dirname, '../..');
const TENANT = 'bench-tenant';
const COLLECTION = 'vectors';
const LIMITS = { max_collections: 100, max_points: 1e12, max_bytes: 1e15 };
const MiB = 2 ** 20;

interface Options {
  n: number;
  dim: number;
  storage: 's3' | 'fs';
  rebuild: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { n: 170_000, dim: 768, storage: 's3', rebuild: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--n') o.n = Number(argv[++i]);
    else if (arg === '--dim') o.dim = Number(argv[++i]);
    else if (arg === '--storage') o.storage = argv[++i] as Options['storage'];
    else if (arg === '--no-rebuild') o.rebuild = false;
    else {
      console.log('usage: npm run bench:backup -- [--n 170000] [--dim 768] [--storage s3|fs] [--no-rebuild]');
      process.exit(arg === '--help' ? 0 : 2);
    }
  }
  return o;
}

const seconds = (start: number) => (performance.now() - start) / 1000;
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; s: number }> {
  const start = performance.now();
  const value = await work();
  return { value, s: seconds(start) };
}

/** The shard to back up, built once per size and kept in bench/.cache (building takes minutes). */
async function builtShard(o: Options): Promise<{ store: ShardStore; shard: Shard; buildS: number | null }> {
  const dir = path.join(ROOT, 'bench/.cache', `backup-shard-n${o.n}-d${o.dim}`);
  const done = path.join(dir, 'BUILT');
  if (!existsSync(done)) rmSync(dir, { recursive: true, force: true });
  const store = new ShardStore({ rootDir: dir });
  const shard = await store.open(TENANT);
  if (existsSync(done)) return { store, shard, buildS: null };
  console.log(`building a shard of ${o.n} x ${o.dim} (kept in ${path.relative(ROOT, dir)})...`);
  const start = performance.now();
  await shard.createCollection({ collection: COLLECTION, config: { size: o.dim, distance: 'Cosine' } });
  let seed = 1;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < o.n; i += 1000) {
    const points = [];
    for (let id = i; id < Math.min(o.n, i + 1000); id++) points.push({ id, vector: Array.from({ length: o.dim }, next), payload: { i: id } });
    await shard.upsert({ collection: COLLECTION, points, wait: i + 1000 >= o.n, ...LIMITS });
    if (i % 20_000 === 0) console.log(`  ${i} points, ${seconds(start).toFixed(0)} s`);
  }
  await shard.checkpoint(COLLECTION);
  writeFileSync(done, new Date().toISOString());
  return { store, shard, buildS: seconds(start) };
}

async function openStorage(o: Options, scratch: string): Promise<{ storage: ObjectStorage; stop(): Promise<void> }> {
  if (o.storage === 'fs') return { storage: new FsObjectStorage(path.join(scratch, 'storage')), stop: async () => undefined };
  const s3 = await startS3rver({ dir: path.join(scratch, 's3rver'), bucket: 'bench' });
  const storage = new S3ObjectStorage({
    bucket: 'bench',
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  } as ConstructorParameters<typeof S3ObjectStorage>[0]);
  return { storage, stop: () => s3.stop() };
}

/** Baseline (1): the cut's files put to the same storage one by one, nothing else. */
async function plainCopy(shard: Shard, storage: ObjectStorage, prefix: string): Promise<number> {
  const cut = await shard.cut([COLLECTION]);
  try {
    let bytes = 0;
    for (const c of cut.collections)
      for (const f of c.files) {
        await storage.put(`${prefix}/${c.name}/${f.path}`, f.open() as never, { contentLength: f.size });
        bytes += f.size;
      }
    return bytes;
  } finally {
    cut.release();
  }
}

/** Baseline (2): the same objects downloaded into a shard directory, then the shard opened (graph loaded). */
async function plainDownloadAndLoad(storage: ObjectStorage, prefix: string, dir: string): Promise<{ downloadS: number; loadS: number }> {
  const download = await timed(async () => {
    for await (const object of storage.list(`${prefix}/`)) {
      const target = path.join(dir, TENANT, 'collections', object.key.slice(prefix.length + 1));
      mkdirSync(path.dirname(target), { recursive: true });
      await pipeline(await storage.get(object.key), createWriteStream(target));
    }
  });
  const store = new ShardStore({ rootDir: dir });
  const load = await timed(() => store.open(TENANT));
  await store.closeAll();
  return { downloadS: download.s, loadS: load.s };
}

/** What a logical restore pays: the HNSW graph built again from the stored vectors. */
async function rebuildSeconds(o: Options, shardDir: string): Promise<number> {
  const manifest = JSON.parse(readFileSync(path.join(shardDir, 'manifest.json'), 'utf8'));
  // The stored vectors, as a logical dump would hold them (they live in the graph file).
  const stored = await HnswIndex.load(path.join(shardDir, manifest.directory, 'graph.hnsw'), o.dim, 'Cosine');
  const vectors = new Float32Array(o.n * o.dim);
  for (let i = 0; i < o.n; i++) vectors.set(stored.vectorAt(i), i * o.dim);
  const start = performance.now();
  const graph = new HierarchicalNSW('cosine', o.dim);
  graph.initIndex(o.n, 16, 100, 100);
  for (let i = 0; i < o.n; i++) graph.addPoint(Array.from(vectors.subarray(i * o.dim, (i + 1) * o.dim)), i);
  return seconds(start);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const scratch = path.join(os.tmpdir(), `hivehub-bench-backup-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  const { store, shard, buildS } = await builtShard(o);
  const { storage, stop } = await openStorage(o, scratch);
  try {
    const copy = await timed(() => plainCopy(shard, storage, 'plain'));
    const bytes = copy.value;
    console.log(`plain copy: ${(bytes / MiB).toFixed(0)} MiB in ${copy.s.toFixed(1)} s`);

    const backupId = randomUUID();
    const prefix = `tenants/${TENANT}/backups/${backupId}`;
    const backup = await timed(() =>
      peakAbove(async () => {
        const cut = await shard.cut([COLLECTION]);
        try {
          return await writeBackup({ storage, prefix, cut, tenantId: TENANT, backupId });
        } finally {
          cut.release();
        }
      }),
    );
    console.log(`backup: ${backup.s.toFixed(1)} s, peak ${(backup.value.peak / MiB).toFixed(0)} MiB above ${(backup.value.baseline / MiB).toFixed(0)} MiB`);

    const plain = await plainDownloadAndLoad(storage, 'plain', path.join(scratch, 'plain-restore'));
    console.log(`plain download ${plain.downloadS.toFixed(1)} s + load ${plain.loadS.toFixed(1)} s`);

    const targetStore = new ShardStore({ rootDir: path.join(scratch, 'restore') });
    const target = await targetStore.open(TENANT);
    const restore = await timed(() =>
      peakAbove(async () => {
        const manifest = await readManifest(storage, prefix);
        if (!manifest) throw new Error('the backup has no manifest');
        const staging = await target.stagingDir();
        await fetchBackup({ storage, prefix, manifest, collections: [COLLECTION], intoDir: (c) => path.join(staging, c) });
        // As the worker's restore does: the download verified every byte, so the shard need not hash them again.
        const verifiedDigests = collectionDigests(manifest, COLLECTION);
        return target.installCollections([{ dir: path.join(staging, COLLECTION), as: COLLECTION, verifiedDigests }], { overwrite: false, ...LIMITS });
      }),
    );
    console.log(`restore: ${restore.s.toFixed(1)} s, peak ${(restore.value.peak / MiB).toFixed(0)} MiB above ${(restore.value.baseline / MiB).toFixed(0)} MiB`);
    await targetStore.closeAll();

    const rebuildS = o.rebuild ? await rebuildSeconds(o, path.join(store.rootDir, TENANT, 'collections', COLLECTION)) : null;
    if (rebuildS !== null) console.log(`rebuild of the graph from the vectors: ${rebuildS.toFixed(1)} s`);

    const results = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, load: os.loadavg() },
      options: o,
      shardBytes: bytes,
      buildS,
      plainCopyS: copy.s,
      backupS: backup.s,
      backupPeakMiB: backup.value.peak / MiB,
      plainDownloadS: plain.downloadS,
      plainLoadS: plain.loadS,
      restoreS: restore.s,
      restorePeakMiB: restore.value.peak / MiB,
      rebuildS,
    };
    const ratios = [
      ['backup / plain multipart copy', results.backupS / results.plainCopyS, '<= 1.15', results.backupS / results.plainCopyS <= 1.15],
      ['restore / (plain download + load)', results.restoreS / (plain.downloadS + plain.loadS), '<= 1.2', results.restoreS / (plain.downloadS + plain.loadS) <= 1.2],
      ...(rebuildS === null ? [] : [['rebuild / restore (speed-up)', rebuildS / results.restoreS, '>= 20', rebuildS / results.restoreS >= 20]]),
      ['backup peak RSS above baseline (MiB)', results.backupPeakMiB, '< 200', results.backupPeakMiB < 200],
      ['restore peak RSS above baseline (MiB)', results.restorePeakMiB, '< 200', results.restorePeakMiB < 200],
    ] as const;
    console.log('\n| ratio | value | target | result |\n|---|---:|---|---|');
    for (const [name, value, target, pass] of ratios) console.log(`| ${name} | ${value.toFixed(2)} | ${target} | ${pass ? 'pass' : 'FAIL'} |`);
    const file = path.join(ROOT, 'bench/results', `backup-${results.date.replace(/[:.]/g, '-').slice(0, 19)}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...results, ratios }, null, 2));
    console.log(`results written to ${path.relative(ROOT, file)}`);
  } finally {
    await stop();
    await store.closeAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
