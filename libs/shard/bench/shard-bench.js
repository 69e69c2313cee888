// Engine measurements, for information (nothing here is asserted anywhere):
//   node libs/shard/bench/shard-bench.js [dataDir]
// Prints upsert throughput (wait=true vs false), open time with the persisted
// graph vs a WAL rebuild, and search QPS of the engine vs raw hnswlib-node on the
// very same graph at the same ef.
require('../test-support/ts-require');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ShardStore } = require('../src/index.ts');

const root = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hivehub-shard-bench-'));
const DIM = 128;
const COUNT = 20_000;

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(1);
const vector = () => Array.from({ length: DIM }, () => rnd() * 2 - 1);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

async function upsertThroughput(shard) {
  const results = {};
  for (const [label, wait, writers, batch] of [
    ['wait=true, 1 writer, 1 point/call', true, 1, 1],
    ['wait=true, 8 writers, 1 point/call (group commit)', true, 8, 1],
    ['wait=false, 1 writer, 1 point/call', false, 1, 1],
    ['wait=true, 1 writer, 100 points/call', true, 1, 100],
  ]) {
    const collection = `up-${Object.keys(results).length}`;
    await shard.createCollection({ collection, config: { size: DIM, distance: 'Cosine' } });
    const perWriter = batch === 1 ? 500 : 20;
    let id = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < perWriter; i++) {
          const points = Array.from({ length: batch }, () => ({ id: id++, vector: vector(), payload: { i } }));
          await shard.upsert({ collection, wait, points });
        }
      }),
    );
    const elapsed = ms(start);
    results[label] = `${Math.round((id / elapsed) * 1000)} points/s (${Math.round(((writers * perWriter) / elapsed) * 1000)} calls/s)`;
  }
  return results;
}

async function main() {
  const tenant = `bench-${Date.now()}`;
  let store = new ShardStore({ rootDir: root, checkpointEveryBytes: 1 << 30 });
  let shard = await store.open(`${tenant}-writes`);
  console.log('upsert throughput (dim 128):', await upsertThroughput(shard));
  shard = await store.open(tenant);

  await shard.createCollection({ collection: 'big', config: { size: DIM, distance: 'Cosine' } });
  const vectors = Array.from({ length: COUNT }, vector);
  let start = process.hrtime.bigint();
  for (let i = 0; i < COUNT; i += 500) {
    await shard.upsert({ collection: 'big', wait: false, points: vectors.slice(i, i + 500).map((v, j) => ({ id: i + j, vector: v, payload: { n: (i + j) % 100 } })) });
  }
  console.log(`build ${COUNT}x${DIM}: ${ms(start).toFixed(0)} ms`);

  await store.closeAll();
  store = new ShardStore({ rootDir: root, checkpointEveryBytes: 1 << 30 });
  start = process.hrtime.bigint();
  shard = await store.open(tenant);
  console.log(`open by WAL replay (graph rebuilt): ${ms(start).toFixed(0)} ms`, shard.loadReport().big);
  start = process.hrtime.bigint();
  await shard.checkpoint('big');
  console.log(`checkpoint ${COUNT}x${DIM}: ${ms(start).toFixed(0)} ms`);
  await store.closeAll();
  store = new ShardStore({ rootDir: root, checkpointEveryBytes: 1 << 30 });
  start = process.hrtime.bigint();
  shard = await store.open(tenant);
  console.log(`open from checkpoint (graph loaded): ${ms(start).toFixed(0)} ms`, shard.loadReport().big);

  // Same graph, same ef: the engine's overhead is validation, id mapping and result objects.
  const graph = shard.collections.get('big').index.graph;
  const queries = Array.from({ length: 2000 }, vector);
  const rounds = { engine: [], raw: [] };
  for (let round = 0; round < 10; round++) {
    // Alternate which goes first so cache warmth does not favour one side.
    const order = round % 2 === 0 ? ['engine', 'raw'] : ['raw', 'engine'];
    for (const side of order) {
      start = process.hrtime.bigint();
      if (side === 'engine') {
        for (const q of queries) await shard.search({ collection: 'big', request: { vector: q, limit: 10 } });
      } else {
        graph.setEf(64);
        for (const q of queries) graph.searchKnn(q, 10);
      }
      rounds[side].push(ms(start));
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const qps = (t) => Math.round((queries.length / t) * 1000);
  console.log(
    `search k=10 ef=64 (median of 10 rounds of 2000): engine ${qps(median(rounds.engine))} QPS, raw hnswlib ${qps(median(rounds.raw))} QPS, ` +
      `engine/raw time ratio ${(median(rounds.engine) / median(rounds.raw)).toFixed(3)}`,
  );
  start = process.hrtime.bigint();
  for (const q of queries.slice(0, 500)) await shard.search({ collection: 'big', request: { vector: q, limit: 10, filter: { must: [{ key: 'n', match: { value: 7 } }] } } });
  console.log(`filtered search (1% match, exact path): ${qps(ms(start) / 4)} QPS`);
  start = process.hrtime.bigint();
  for (const q of queries.slice(0, 500)) await shard.search({ collection: 'big', request: { vector: q, limit: 10, filter: { must: [{ key: 'n', range: { lt: 50 } }] } } });
  console.log(`filtered search (50% match, graph path): ${qps(ms(start) / 4)} QPS`);
  await store.closeAll();
  if (!process.argv[2]) fs.rmSync(root, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
