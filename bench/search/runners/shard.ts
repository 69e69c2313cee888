import path from 'node:path';
import { row } from '../dataset';
import { K, recallAtK } from '../ground-truth';
import { interleavedQps, rssBytes, seconds, sweep } from '../measure';
import { HNSW_EF_CONSTRUCT, HNSW_M } from './hnswlib';
import { EF_VALUES, type RunContext, type SystemResult, skipped, sweepSettings } from './types';

/**
 * The part of the libs/shard contract (ops.ts, types.ts) this benchmark uses, written
 * out here so the benchmark still compiles and runs, skipping (b) and (g), while the
 * engine is missing or half-written.
 */
interface BenchShard {
  createCollection(args: { collection: string; config: { size: number; distance: 'Cosine'; hnsw: { m: number; ef_construct: number; ef: number } } }): Promise<unknown>;
  upsert(args: { collection: string; points: { id: number; vector: number[] }[]; wait: boolean }): Promise<unknown>;
  search(args: { collection: string; request: { vector: number[]; limit: number; params: { hnsw_ef: number } } }): Promise<{ id: number | string }[]>;
  getCollection(args: { collection: string }): Promise<{ points_count: number; segments_count: number }>;
  checkpoint(collection?: string): Promise<void>;
  loadReport?(): Record<string, unknown>;
}
interface BenchShardStore {
  open(tenantId: string): Promise<BenchShard>;
  closeAll(): Promise<void>;
}
type ShardModule = { ShardStore: new (options: { rootDir: string }) => BenchShardStore };

const SHARD_MODULE = '@hivehub/shard';
const TENANT = 'bench';
const COLLECTION = 'bench';
const BATCH = 1000;

/** The engine, or why it cannot be loaded yet. */
export async function loadShardModule(): Promise<ShardModule | string> {
  try {
    const mod = (await import(SHARD_MODULE)) as Partial<ShardModule>;
    if (typeof mod.ShardStore !== 'function') return 'shard engine not built yet: @hivehub/shard exports no ShardStore';
    return mod as ShardModule;
  } catch (err) {
    return `shard engine not built yet: ${(err as Error).message.split('\n')[0]}`;
  }
}

/**
 * (b) the shard engine in-process, and (g) its load time after a restart (close the
 * store, open it again, first search answered).
 */
export async function runShard(ctx: RunContext): Promise<SystemResult> {
  const mod = await loadShardModule();
  if (typeof mod === 'string') return skipped('shard', mod);
  const { n, dim, queries } = ctx.data.params;
  const rootDir = path.join(ctx.tmpDir, 'shard');
  let store = new mod.ShardStore({ rootDir });
  let shard = await store.open(TENANT);
  await shard.createCollection({
    collection: COLLECTION,
    config: { size: dim, distance: 'Cosine', hnsw: { m: HNSW_M, ef_construct: HNSW_EF_CONSTRUCT, ef: 64 } },
  });

  // The engine's memory for the data, without V8's garbage: RSS after full collections
  // (run.sh passes --expose-gc), before and after the load.
  const gc = (globalThis as { gc?: () => void }).gc;
  const rssAfterGc = () => {
    if (!gc) return undefined;
    gc();
    gc();
    return rssBytes(process.pid);
  };
  const rssBeforeLoad = rssAfterGc();
  ctx.log(`shard engine: upserting ${n} points in batches of ${BATCH}...`);
  const started = performance.now();
  for (let i = 0; i < n; i += BATCH) {
    const points = [];
    for (let id = i; id < Math.min(n, i + BATCH); id++) points.push({ id, vector: row(ctx.data.vectors, dim, id) });
    await shard.upsert({ collection: COLLECTION, points, wait: i + BATCH >= n });
  }
  const buildSeconds = seconds(started);
  const rssAfterLoad = rssAfterGc();
  const rssGrowth = rssBeforeLoad === undefined || rssAfterLoad === undefined ? undefined : rssAfterLoad - rssBeforeLoad;
  ctx.log(`  upserted (WAL + graph) in ${buildSeconds.toFixed(1)} s${rssGrowth === undefined ? '' : `; RSS after GC grew ${(rssGrowth / 2 ** 20).toFixed(1)} MiB`}`);

  const qs = Array.from({ length: queries }, (_, q) => row(ctx.data.queries, dim, q));
  let ef = 64;
  const search = async (q: number) => (await shard.search({ collection: COLLECTION, request: { vector: qs[q], limit: K, params: { hnsw_ef: ef } } })).map((p) => Number(p.id));
  const result = await sweep({
    knob: 'ef',
    values: EF_VALUES,
    apply: (v) => {
      ef = v;
    },
    search,
    ...sweepSettings(ctx),
    queries,
    concurrency: [1],
  });

  // Each at its own lowest ef reaching the target, same queries, alternating with
  // hnswlib-node: the engine's overhead over the library at matching recall.
  let headToHead: { shardEf: number; hnswlibEf: number; shardQps: number; hnswlibQps: number } | undefined;
  if (ctx.baseline) {
    ef = result.chosen.value;
    ctx.baseline.setEf(ctx.baseline.chosenEf);
    const [shardQps, hnswlibQps] = await interleavedQps(search, ctx.baseline.search, queries, 3, ctx.minSeconds);
    headToHead = { shardEf: ef, hnswlibEf: ctx.baseline.chosenEf, shardQps, hnswlibQps };
    ctx.log(`  head to head, 3 alternating rounds: shard (ef ${ef}) ${shardQps.toFixed(0)} QPS, hnswlib-node (ef ${ctx.baseline.chosenEf}) ${hnswlibQps.toFixed(0)} QPS`);
  }

  // (g) restart: a checkpoint (graph + segments on disk), close, reopen, first answer.
  let t = performance.now();
  await shard.checkpoint(COLLECTION);
  const checkpointSeconds = seconds(t);
  await store.closeAll();
  t = performance.now();
  store = new mod.ShardStore({ rootDir });
  shard = await store.open(TENANT);
  const firstAnswer = await search(0);
  const reloadSeconds = seconds(t);
  const info = await shard.getCollection({ collection: COLLECTION });
  const loadReport = shard.loadReport?.();
  ef = result.chosen.value;
  const check = [];
  for (let q = 0; q < Math.min(200, queries); q++) check.push(await search(q));
  const recallAfterReload = recallAtK(ctx.truth, check);
  ctx.log(`  checkpoint ${checkpointSeconds.toFixed(2)} s; reopened to first answer in ${(reloadSeconds * 1000).toFixed(0)} ms (${info.points_count} points, recall on 200 queries ${recallAfterReload.toFixed(3)})`);
  if (firstAnswer.length !== K || info.points_count !== n) {
    await store.closeAll();
    throw new Error(`after reopening: ${info.points_count} points, first search gave ${firstAnswer.length} hits`);
  }
  const reopened = store;
  ctx.engine = { ef, search, close: () => reopened.closeAll() };

  return {
    name: 'shard',
    status: 'ok',
    setup: `libs/shard ShardStore in-process, Cosine, m ${HNSW_M}, ef_construct ${HNSW_EF_CONSTRUCT}; upsert wait=false in batches of ${BATCH}; async API awaited one query at a time (synchronous search inside: 1 client = 8 clients)`,
    buildSeconds,
    sweep: result,
    details: { headToHead, rssGrowth, checkpointSeconds, reloadSeconds, recallAfterReload, segmentsCount: info.segments_count, loadReport },
  };
}
