// Two builds of the stack side by side, loaded in turn by wrk (8 connections) with the
// same searches: QPS and CPU µs per request of each api and worker, alternating rounds so
// the VM's drift falls on both. Each build is a compiled tree like dist/ (copy dist/
// aside, change the source, `npm run build`):
//   node -r ./bench/search/register.js bench/search/ab-probe.ts <dirA> <dirB> [rounds] [points]
// 100k x 128 clustered points (the benchmark's dataset) unless [points] says fewer; DIM=<d> for another dimension.
import os from 'node:os';
import path from 'node:path';
import { makeDataset, row } from './dataset';
import { cpuMicros } from './measure';
import { startStack, type Build, type Stack } from './stack';
import { wrkQps } from './wrk';

const [dirA, dirB, roundsArg, pointsArg] = process.argv.slice(2);
if (!dirA || !dirB) throw new Error('usage: ab-probe.ts <dirA> <dirB> [rounds] [points]');
const build = (dir: string): Build => ({ dir: path.resolve(dir), apiMain: path.resolve(dir, 'apps/api/src/main.js'), workerMain: path.resolve(dir, 'apps/worker/src/main.js') });
const n = Number(pointsArg ?? 100_000);
const dim = Number(process.env.DIM ?? 128);

async function load(stack: Stack, vectors: Float32Array): Promise<void> {
  const headers = { 'api-key': stack.tenantKey };
  for (;;) {
    const res = await stack.http.send('PUT', '/collections/c', { vectors: { size: dim, distance: 'Cosine' }, hnsw_config: { m: 16, ef_construct: 100 } }, headers);
    if (res.status === 200) break;
    if (res.status !== 503) throw new Error(`create answered ${res.status}: ${res.text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  for (let i = 0; i < n; i += 1000) {
    const points = [];
    for (let id = i; id < Math.min(n, i + 1000); id++) points.push({ id, vector: row(vectors, dim, id) });
    const res = await stack.http.send('PUT', '/collections/c/points?wait=true', { points }, headers);
    if (res.status !== 200) throw new Error(`upsert answered ${res.status}: ${res.text.slice(0, 300)}`);
  }
}

(async () => {
  const data = makeDataset({ n, dim, queries: 1000, clusters: 100, spread: 0.5, seed: 42 });
  const bodies = Array.from({ length: 1000 }, (_, q) => `{"vector":${JSON.stringify(row(data.queries, dim, q))},"limit":10,"params":{"hnsw_ef":48}}`);
  const stacks: Stack[] = [];
  for (const [i, dir] of [dirA, dirB].entries()) {
    process.env.BENCH_DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/hivehub_bench_ab${i}`;
    const stack = await startStack(build(dir), path.join(os.tmpdir(), `ab-probe-${process.pid}-${i}`), 1_000_000, console.log);
    stacks.push(stack);
    await load(stack, data.vectors);
  }
  const rounds = Number(roundsArg ?? 3);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, stack] of stacks.entries()) {
        const searches = { url: stack.apiUrl, path: '/collections/c/points/search', bodies, headers: { 'api-key': stack.tenantKey }, connections: 8 };
        await wrkQps({ ...searches, seconds: r === 0 ? 5 : 1, warmupSeconds: 0 });
        const a0 = cpuMicros(stack.api.child.pid!);
        const w0 = cpuMicros(stack.worker.child.pid!);
        const wrk = await wrkQps({ ...searches, seconds: 8, warmupSeconds: 0 });
        const api = (cpuMicros(stack.api.child.pid!) - a0) / wrk.requests;
        const worker = (cpuMicros(stack.worker.child.pid!) - w0) / wrk.requests;
        console.log(`round ${r + 1} ${i === 0 ? 'A' : 'B'} (${[dirA, dirB][i]}): ${wrk.qps.toFixed(0)} QPS, p50 ${(wrk.p50 / 1000).toFixed(2)} ms, p99 ${(wrk.p99 / 1000).toFixed(2)} ms; CPU µs/req api ${api.toFixed(0)} worker ${worker.toFixed(0)} wrk ${wrk.clientMicros.toFixed(0)}`);
      }
    }
  } finally {
    for (const s of stacks) {
      s.http.close();
      await s.stop();
    }
  }
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
