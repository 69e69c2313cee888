import { statSync } from 'node:fs';
import path from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import { row } from '../dataset';
import { K } from '../ground-truth';
import { seconds, sweep } from '../measure';
import { EF_VALUES, type RunContext, type SystemResult, sweepSettings } from './types';

export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCT = 100;

/**
 * (c) hnswlib-node used directly: the baseline of the shard engine (which wraps the
 * same library) and the "rebuild from vectors" time of the restart comparison.
 */
export async function runHnswlib(ctx: RunContext): Promise<SystemResult> {
  const { n, dim, queries } = ctx.data.params;
  const index = new HierarchicalNSW('cosine', dim);
  index.initIndex(n, HNSW_M, HNSW_EF_CONSTRUCT, 100);
  ctx.log(`hnswlib-node: building (M ${HNSW_M}, efConstruction ${HNSW_EF_CONSTRUCT})...`);
  const started = performance.now();
  for (let i = 0; i < n; i++) index.addPoint(row(ctx.data.vectors, dim, i), i);
  const buildSeconds = seconds(started);
  ctx.log(`  built in ${buildSeconds.toFixed(1)} s`);

  // The written index holds the vectors, the level-0 links and labels, and the upper
  // layers: what an in-memory HNSW of these vectors needs at minimum.
  const file = path.join(ctx.tmpDir, 'hnswlib.index');
  index.writeIndexSync(file);
  const indexFileBytes = statSync(file).size;

  const qs = Array.from({ length: queries }, (_, q) => row(ctx.data.queries, dim, q));
  const result = await sweep({
    knob: 'ef',
    values: EF_VALUES,
    apply: (ef) => index.setEf(ef),
    search: (q) => index.searchKnn(qs[q], K).neighbors,
    ...sweepSettings(ctx),
    queries,
    concurrency: [1],
  });
  ctx.baseline = { chosenEf: result.chosen.value, setEf: (ef) => index.setEf(ef), search: (q) => index.searchKnn(qs[q], K).neighbors };
  return {
    name: 'hnswlib',
    status: 'ok',
    setup: `hnswlib-node HierarchicalNSW cosine, M ${HNSW_M}, efConstruction ${HNSW_EF_CONSTRUCT}; in-process, synchronous (1 client = 8 clients)`,
    buildSeconds,
    sweep: result,
    details: { indexFileBytes, rawVectorBytes: n * dim * 4 },
  };
}
