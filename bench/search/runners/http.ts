import path from 'node:path';
import { waitFor } from '../../../test/support/processes';
import { row } from '../dataset';
import { K } from '../ground-truth';
import { rssBytes, seconds, sweep, timedQps } from '../measure';
import { packVector } from '@hivehub/shard';
import { HttpJson } from '../http-client';
import { type HopFigures, measureHops } from '../floor-probe';
import { chooseBuild, type Stack, startStack } from '../stack';
import { type WrkFigures, wrkMissing, wrkQps } from '../wrk';
import { HNSW_EF_CONSTRUCT, HNSW_M } from './hnswlib';
import { EF_VALUES, type RunContext, type SystemResult, skipped, sweepSettings } from './types';

const COLLECTION = 'bench';
/** Keeps an upsert body near 8 MB whatever the dimension (about 22 bytes a float in JSON). */
const batchSize = (dim: number) => Math.max(100, Math.min(1000, Math.floor(8e6 / (dim * 22))));
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * (a) the full HTTP stack, api -> node -> shard, through the Qdrant-compatible routes,
 * with 1 and 8 outstanding requests; (f) the worker's resident memory before and
 * after loading the vectors; and the ceiling bare HTTP hops put on (a) here.
 */
export async function runHttp(ctx: RunContext): Promise<SystemResult> {
  const build = chooseBuild(ctx.useDist, ctx.log);
  if (typeof build === 'string') return skipped('http', build);
  const { n, dim, queries } = ctx.data.params;

  ctx.log('http stack: starting api and worker...');
  const stack = await startStack(build, path.join(ctx.tmpDir, 'stack'), Math.max(n + 1000, 1_000_000), ctx.log);
  try {
    const headers = { 'api-key': stack.tenantKey };
    const workerPid = stack.worker.child.pid!;
    // The node may not have sent its first heartbeat yet: placement answers 503 until then.
    await waitFor('the collection to be created', async () => {
      const res = await stack.http.send('PUT', `/collections/${COLLECTION}`, {
        vectors: { size: dim, distance: 'Cosine' },
        hnsw_config: { m: HNSW_M, ef_construct: HNSW_EF_CONSTRUCT },
      }, headers);
      if (res.status === 503) return undefined;
      if (res.status !== 200) throw new Error(`creating the collection answered ${res.status}: ${res.text}`);
      return true;
    }, 30_000, 250).catch((err) => {
      throw new Error(`${(err as Error).message}\n--- worker log ---\n${stack.worker.log().slice(-3000)}`);
    });
    await settle(1000);
    const rssBefore = rssBytes(workerPid);

    const batch = batchSize(dim);
    ctx.log(`  upserting ${n} points, batches of ${batch}, wait=true...`);
    const node = new HttpJson(stack.nodeUrl);
    const nodeHeaders = { authorization: `Bearer ${stack.nodeToken}` };
    // The worker's memory after each batch of the second half: the slope of its resident
    // memory against the points it holds is the node's memory per vector, without the
    // fixed costs of its first writes. Each sample is taken after a full garbage
    // collection in the worker (gc-on-request.js), less V8's young generation (1-32 MiB
    // committed, shrunk and regrown as the worker idles and works; from its /metrics):
    // without both, one collection or shrink inside the window moved the slope by more
    // than the data it measures (-0.19x to 1.35x between runs).
    const memorySamples: MemorySample[] = [];
    let samplingMs = 0;
    const started = performance.now();
    for (let i = 0; i < n; i += batch) {
      const points = [];
      for (let id = i; id < Math.min(n, i + batch); id++) points.push({ id, vector: row(ctx.data.vectors, dim, id) });
      const res = await stack.http.send('PUT', `/collections/${COLLECTION}/points?wait=true`, { points }, headers);
      if (res.status !== 200) throw new Error(`upsert at ${i} answered ${res.status}: ${res.text.slice(0, 500)}`);
      if (i + batch >= n / 2) {
        const sampling = performance.now();
        memorySamples.push(await workerMemory(stack, node, nodeHeaders, Math.min(n, i + batch)));
        samplingMs += performance.now() - sampling;
      }
    }
    const buildSeconds = seconds(started) - samplingMs / 1000;
    ctx.log(`  upserted in ${buildSeconds.toFixed(1)} s`);
    await settle(2000);
    const rssAfterLoad = rssBytes(workerPid);
    const memorySlope = slopeBytesPerPoint(memorySamples);

    // Bodies are serialised once: the clients share the cores with the servers.
    const vectorsJson = Array.from({ length: queries }, (_, q) => JSON.stringify(row(ctx.data.queries, dim, q)));
    let ef = 64;
    const search = async (q: number) => {
      const body = `{"vector":${vectorsJson[q]},"limit":${K},"params":{"hnsw_ef":${ef}}}`;
      const res = await stack.http.send('POST', `/collections/${COLLECTION}/points/search`, body, headers);
      if (res.status !== 200) throw new Error(`search answered ${res.status}: ${res.text.slice(0, 500)}`);
      return (res.body.result as { id: number }[]).map((p) => Number(p.id));
    };
    const sweepBase = { ...sweepSettings(ctx), queries, concurrency: [1, 8] };
    const result = await sweep({
      ...sweepBase,
      knob: 'hnsw_ef',
      values: EF_VALUES,
      apply: (v) => {
        ef = v;
      },
      search,
    });
    const rssAfterSearch = rssBytes(workerPid);

    // The same searches straight to the worker's internal route (no api, no auth, no
    // placement look-up), vectors packed as the api sends them: splits the HTTP cost
    // between the api hop and the node.
    ef = result.chosen.value;
    const packedJson = Array.from({ length: queries }, (_, q) => JSON.stringify(packVector(row(ctx.data.queries, dim, q))));
    const nodeSearch = async (q: number) => {
      const body = `{"collection":"${COLLECTION}","request":{"vector":${packedJson[q]},"limit":${K},"params":{"hnsw_ef":${ef}}}}`;
      const res = await node.send('POST', `/internal/shards/${stack.tenantId}/ops/search`, body, nodeHeaders);
      if (res.status !== 200) throw new Error(`node search answered ${res.status}: ${res.text.slice(0, 500)}`);
      return (res.body.result as { id: number }[]).map((p) => Number(p.id));
    };
    const direct = await sweep({ ...sweepBase, knob: 'hnsw_ef', values: [ef], apply: () => undefined, search: nodeSearch, log: (l) => ctx.log(`  node direct:${l}`) });
    node.close();
    const nodeDirect = { ef, recall: direct.chosen.recall, qps: direct.chosen.qps };
    const mb = (b?: number) => (b === undefined ? '?' : (b / 2 ** 20).toFixed(0));
    ctx.log(`  worker RSS: ${mb(rssBefore)} MB before load, ${mb(rssAfterLoad)} MB after, ${mb(rssAfterSearch)} MB after the searches; over the second half of the load ${memorySlope === undefined ? '?' : memorySlope.toFixed(0)} bytes a point (RSS after a full collection, without V8's young generation, least squares over ${memorySamples.length} samples)`);

    // The same searches at the chosen setting with wrk as the 8 clients: a load generator
    // in C spends a fifth of the CPU per request the Node client above does, CPU the
    // servers would otherwise have on these two shared cores.
    const noWrk = wrkMissing();
    let wrk: WrkFigures | undefined;
    let engineAround: { before: number; after: number } | undefined;
    if (noWrk) ctx.log(`  wrk: not measured, ${noWrk}`);
    else {
      const bodies = vectorsJson.map((v) => `{"vector":${v},"limit":${K},"params":{"hnsw_ef":${ef}}}`);
      const engineBefore = await engineQps(ctx);
      wrk = await wrkQps({ url: stack.apiUrl, path: `/collections/${COLLECTION}/points/search`, bodies, headers, connections: 8, seconds: 10 });
      const engineAfter = await engineQps(ctx);
      ctx.log(`  wrk, 8 connections, hnsw_ef=${ef}: ${wrk.qps.toFixed(0)} QPS (latency p50 ${(wrk.p50 / 1000).toFixed(1)} ms, p99 ${(wrk.p99 / 1000).toFixed(1)} ms; wrk ${wrk.clientMicros.toFixed(0)} µs CPU a request)`);
      if (engineBefore !== undefined && engineAfter !== undefined) {
        engineAround = { before: engineBefore, after: engineAfter };
        ctx.log(`  the engine in-process right before and after: ${engineBefore.toFixed(0)} and ${engineAfter.toFixed(0)} QPS`);
      }
    }
    const ceiling = ctx.engineQps === undefined ? undefined : await measureCeiling(ctx, 1e6 / ctx.engineQps, noWrk === undefined);
    return {
      name: 'http',
      status: 'ok',
      setup: `api -> worker node -> libs/shard over HTTP/1.1 keep-alive; the sweep's clients are node:http in the benchmark process, the chosen setting is also loaded by wrk (8 connections); all share the 2 cores. Qdrant routes, upsert batches of ${batch} with wait=true`,
      buildSeconds,
      sweep: result,
      details: { rssBefore, rssAfterLoad, rssAfterSearch, memorySlope, memorySamples, points: n, upsertBatch: batch, nodeDirect, wrk: wrk && { ...wrk, ef, connections: 8, engineAround }, ceiling },
    };
  } finally {
    stack.http.close();
    await stack.stop();
  }
}

/** Points held, the worker's VmRSS, and V8's committed young generation (its /metrics), after a full collection. */
interface MemorySample {
  points: number;
  rss: number;
  youngGeneration: number;
}

async function workerMemory(stack: Stack, node: HttpJson, headers: Record<string, string>, points: number): Promise<MemorySample> {
  await stack.collectWorkerGarbage();
  const res = await node.send('GET', '/metrics', undefined, headers);
  if (res.status !== 200) throw new Error(`the worker's /metrics answered ${res.status}`);
  const line = res.text.split('\n').find((l) => l.startsWith('nodejs_heap_space_size_total_bytes{space="new"}'));
  if (!line) throw new Error("the worker's /metrics has no nodejs_heap_space_size_total_bytes for the new space");
  const rss = rssBytes(stack.worker.child.pid!);
  if (rss === undefined) throw new Error(`cannot read the worker's VmRSS (pid ${stack.worker.child.pid})`);
  return { points, rss, youngGeneration: Number(line.split(' ').pop()) };
}

/** Least-squares slope of (VmRSS - young generation) against points held: bytes a point. */
function slopeBytesPerPoint(samples: MemorySample[]): number | undefined {
  if (samples.length < 3) return undefined;
  const xs = samples.map((s) => s.points);
  const ys = samples.map((s) => s.rss - s.youngGeneration);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

/** The shard engine's in-process QPS at its chosen setting now (3 s of whole passes), when the shard runner left it open. */
async function engineQps(ctx: RunContext): Promise<number | undefined> {
  if (!ctx.engine) return undefined;
  return (await timedQps(ctx.engine.search, ctx.data.params.queries, 1, 3)).qps;
}

/**
 * What HTTP allows on this machine at 8 clients, whatever the api does: the same clients
 * (the Node client, then wrk) through two bare HTTP hops (and through one) to a
 * node that spends the engine's search time in CPU before each canned answer
 * (floor-probe.ts). The stack has the same two hops plus auth, parsing and the real search.
 */
async function measureCeiling(ctx: RunContext, searchMicros: number, withWrk: boolean): Promise<Ceiling> {
  ctx.log(`  ceiling: bare HTTP hops to a node spending ${searchMicros.toFixed(0)} µs of CPU per answer...`);
  const twoHops = await measureHops(searchMicros, 2);
  const oneHop = await measureHops(searchMicros, 1);
  ctx.log(`  ceiling, Node client: two bare hops ${twoHops.qps.toFixed(0)} QPS, one hop ${oneHop.qps.toFixed(0)} QPS (8 clients)`);
  if (!withWrk) return { searchMicros, twoHops, oneHop };
  const wrk = { twoHops: await measureHops(searchMicros, 2, 'wrk'), oneHop: await measureHops(searchMicros, 1, 'wrk') };
  ctx.log(`  ceiling, wrk: two bare hops ${wrk.twoHops.qps.toFixed(0)} QPS, one hop ${wrk.oneHop.qps.toFixed(0)} QPS (8 connections)`);
  return { searchMicros, twoHops, oneHop, wrk };
}

/** What measureCeiling measured; `wrk` when wrk is installed. */
export interface Ceiling {
  searchMicros: number;
  twoHops: HopFigures;
  oneHop: HopFigures;
  wrk?: { twoHops: HopFigures; oneHop: HopFigures };
}
