import path from 'node:path';
import { row } from '../dataset';
import { K } from '../ground-truth';
import { seconds, sweep } from '../measure';
import { HNSW_EF_CONSTRUCT, HNSW_M } from './hnswlib';
import { EF_VALUES, type RunContext, type SystemResult, sweepSettings } from './types';

const INSERT_BATCH = 20_000;

/**
 * (d) LanceDB embedded, on disk in the scratch dir, with IVF_HNSW_SQ (one partition:
 * a single HNSW graph over scalar-quantised vectors, the closest to the others).
 * IVF_PQ was tried first: on this data it needs refine_factor >= 10 to pass recall
 * 0.9 and then ran at a fraction of IVF_HNSW_SQ's rate, with a much slower build.
 * The knob swept is the HNSW `ef`; refine_factor 1 re-ranks the candidates on the
 * full vectors (lifting the ceiling SQ puts on recall).
 */
export async function runLanceDb(ctx: RunContext): Promise<SystemResult> {
  // Lance logs a deprecation warning per query otherwise; the logger reads this once.
  process.env.LANCEDB_LOG ??= 'error';
  const lancedb = await import('@lancedb/lancedb');
  const { n, dim, queries } = ctx.data.params;
  const db = await lancedb.connect(path.join(ctx.tmpDir, 'lancedb'));

  ctx.log(`lancedb: writing ${n} rows...`);
  let t = performance.now();
  const batch = (from: number) =>
    Array.from({ length: Math.min(INSERT_BATCH, n - from) }, (_, k) => ({ id: from + k, vector: row(ctx.data.vectors, dim, from + k) }));
  const table = await db.createTable('bench', batch(0));
  for (let i = INSERT_BATCH; i < n; i += INSERT_BATCH) await table.add(batch(i));
  const writeSeconds = seconds(t);
  t = performance.now();
  await table.createIndex('vector', {
    config: lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: 1, m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCT }),
  });
  const indexSeconds = seconds(t);
  ctx.log(`  written in ${writeSeconds.toFixed(1)} s, IVF_HNSW_SQ built in ${indexSeconds.toFixed(1)} s`);

  const qs = Array.from({ length: queries }, (_, q) => row(ctx.data.queries, dim, q));
  let ef = 64;
  const search = async (q: number) => {
    const rows = await table
      .vectorSearch(qs[q])
      .distanceType('cosine')
      .nprobes(1)
      .ef(ef)
      .refineFactor(1)
      .limit(K)
      .select(['id', '_distance'])
      .toArray();
    return rows.map((r: { id: number }) => Number(r.id));
  };
  const result = await sweep({
    knob: 'ef',
    values: EF_VALUES,
    apply: (v) => {
      ef = v;
    },
    search,
    ...sweepSettings(ctx),
    queries,
    concurrency: [1, 8],
  });
  table.close();
  db.close();
  return {
    name: 'lancedb',
    status: 'ok',
    setup: `@lancedb/lancedb 0.31.0 embedded (Rust, async; queries run on its own thread pool), IVF_HNSW_SQ cosine, 1 partition, m ${HNSW_M}, ef_construction ${HNSW_EF_CONSTRUCT}, refine_factor 1`,
    buildSeconds: writeSeconds + indexSeconds,
    sweep: result,
    details: { writeSeconds, indexSeconds },
  };
}
