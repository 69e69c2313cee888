// What a filter costs a search in the shard engine, in-process: 100k x 128 random
// vectors with small payloads, 200 searches each unfiltered and with filters matching
// 1%, 14% and 50% of the points.
//   node -r ./bench/search/register.js bench/search/filter-probe.ts
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ShardStore, type Filter } from '@hivehub/shard';
(async () => {
  const n = 100_000, dim = 128;
  const rootDir = path.join(os.tmpdir(), `filter-probe-${process.pid}`);
  const store = new ShardStore({ rootDir });
  const shard = await store.open('t');
  await shard.createCollection({ collection: 'c', config: { size: dim, distance: 'Cosine' } });
  const rnd = () => Array.from({ length: dim }, () => Math.random() - 0.5);
  for (let i = 0; i < n; i += 1000) {
    await shard.upsert({ collection: 'c', wait: false, points: Array.from({ length: 1000 }, (_, j) => ({ id: i + j, vector: rnd(), payload: { cat: (i + j) % 100, tag: `t${(i + j) % 7}`, text: 'lorem ipsum dolor' } })) });
  }
  const cases: [string, Filter | undefined][] = [
    ['none', undefined],
    ['cat=5 (1%)', { must: [{ key: 'cat', match: { value: 5 } }] }],
    ['tag=t3 (14%)', { must: [{ key: 'tag', match: { value: 't3' } }] }],
    ['cat<50 (50%)', { must: [{ key: 'cat', range: { lt: 50 } }] }],
    ['cat in 0..49 (50%)', { must: [{ key: 'cat', match: { any: Array.from({ length: 50 }, (_, i) => i) } }] }],
  ];
  for (const [label, filter] of cases) {
    const t0 = performance.now(); const N = 200;
    for (let q = 0; q < N; q++) await shard.search({ collection: 'c', request: { vector: rnd(), limit: 10, ...(filter ? { filter } : {}) } });
    console.log(label, ((performance.now() - t0) / N).toFixed(2), 'ms/search');
  }
  await store.closeAll();
  rmSync(rootDir, { recursive: true, force: true });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
