// CPU time per search request in each process of the HTTP stack (api, worker, client),
// and the same searches straight to the worker's internal route. Starts dist/ (run
// `npm run build` first; BUILD_DIR=<dir> starts another build) with 20k x 128 random
// vectors (N=<n>, DIM=<d> for others), 8 concurrent clients:
//   node -r ./bench/search/register.js bench/search/cpu-probe.ts
// With PROFILE=1 and CHILD_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' the api and
// worker write CPU profiles of a longer window on exit.
import path from 'node:path';
import os from 'node:os';
import { startStack, type Build } from '../search/stack';
import { HttpJson } from '../search/http-client';
import { cpuMicros } from '../search/measure';
import { packVector } from '@hivehub/shard';

const ROOT = path.resolve(__dirname, '../..');
const dir = process.env.BUILD_DIR ?? path.join(ROOT, 'dist');
const build: Build = { dir, apiMain: path.join(dir, 'apps/api/src/main.js'), workerMain: path.join(dir, 'apps/worker/src/main.js') };
(async () => {
  const n = Number(process.env.N ?? 20000), dim = Number(process.env.DIM ?? 128);
  const stack = await startStack(build, path.join(os.tmpdir(), `cpu-probe-${process.pid}`), 1_000_000, console.log);
  const h = { authorization: `Bearer ${stack.tenantKey}` };
  await stack.http.send('PUT', '/collections/c', { vectors: { size: dim, distance: 'Cosine' } }, h);
  const rnd = () => Array.from({ length: dim }, () => Math.random() - 0.5);
  for (let i = 0; i < n; i += 1000) {
    const points = Array.from({ length: 1000 }, (_, j) => ({ id: i + j, vector: rnd() }));
    const r = await stack.http.send('PUT', '/collections/c/points?wait=true', { points }, h);
    if (r.status !== 200) throw new Error(r.text);
  }
  const vectors = Array.from({ length: 500 }, rnd);
  const bodies = vectors.map((vector) => JSON.stringify({ vector, limit: 10, params: { hnsw_ef: 48 } }));
  async function run(label: string, client: HttpJson, p: string, headers: Record<string, string>, N = 4000) {
    let k = 0;
    for (let i = 0; i < 500; i++) await client.send('POST', p, bodies[i % 500], headers);
    const a0 = cpuMicros(stack.api.child.pid!), w0 = cpuMicros(stack.worker.child.pid!), c0 = process.cpuUsage(); const t0 = Date.now();
    await Promise.all(Array.from({ length: 8 }, async () => { while (k < N) { const i = k++; const r = await client.send('POST', p, bodies[i % 500], headers); if (r.status !== 200) throw new Error(r.text); } }));
    const ms = Date.now() - t0; const c1 = process.cpuUsage();
    const a = (cpuMicros(stack.api.child.pid!) - a0) / N, w = (cpuMicros(stack.worker.child.pid!) - w0) / N, c = (c1.user + c1.system - c0.user - c0.system) / N;
    console.log(`${label}: ${Math.round(N / ms * 1000)} QPS; CPU µs/req api ${a.toFixed(0)} worker ${w.toFixed(0)} client ${c.toFixed(0)}`);
  }
  // What the processes spend with no request in flight (timers, queues, heartbeats): part of every per-request figure.
  const i0 = [cpuMicros(stack.api.child.pid!), cpuMicros(stack.worker.child.pid!)];
  await new Promise((r) => setTimeout(r, 3000));
  console.log(`idle: CPU µs per second api ${((cpuMicros(stack.api.child.pid!) - i0[0]) / 3).toFixed(0)} worker ${((cpuMicros(stack.worker.child.pid!) - i0[1]) / 3).toFixed(0)}`);
  await run('api  ', stack.http, '/collections/c/points/search', h);
  // Straight to the node, vectors packed as the api sends them.
  const nb = vectors.map((vector) => JSON.stringify({ collection: 'c', request: { vector: packVector(vector), limit: 10, params: { hnsw_ef: 48 } } }));
  const saved = bodies.splice(0, 500, ...nb);
  await run('node ', new HttpJson(stack.nodeUrl), `/internal/shards/${stack.tenantId}/ops/search`, { authorization: `Bearer ${stack.nodeToken}` });
  bodies.splice(0, 500, ...saved);
  if (process.env.PROFILE) { console.log('profiling window'); await run('api  ', stack.http, '/collections/c/points/search', h, 8000); }
  for (let i = 0; i < Number(process.env.REPEAT ?? 0); i++) await run('api  ', stack.http, '/collections/c/points/search', h);
  await stack.stop();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
