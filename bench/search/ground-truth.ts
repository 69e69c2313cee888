import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Dataset, datasetKey, normalized } from './dataset';

export const K = 10;
const CACHE_DIR = path.resolve(__dirname, '../.cache');

export interface GroundTruth {
  /** queries x K point ids, best first (exact cosine). */
  ids: Int32Array;
  seconds: number;
  cached: boolean;
}

/**
 * Exact top-K by cosine for every query, by brute force over normalised rows.
 * Cached on disk by dataset parameters: the same params always produce the same data.
 */
export function groundTruth(data: Dataset, log: (line: string) => void): GroundTruth {
  const file = path.join(CACHE_DIR, `gt-${datasetKey(data.params)}-k${K}.bin`);
  const expected = data.params.queries * K;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    if (buf.byteLength === expected * 4) {
      return { ids: new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)), seconds: 0, cached: true };
    }
  }
  log(`computing brute-force ground truth (${data.params.queries} queries x ${data.params.n} vectors)...`);
  const started = performance.now();
  const ids = bruteForce(data);
  const seconds = (performance.now() - started) / 1000;
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(`${file}.tmp`, Buffer.from(ids.buffer));
  renameSync(`${file}.tmp`, file);
  return { ids, seconds, cached: false };
}

function bruteForce(data: Dataset): Int32Array {
  const { n, dim, queries } = data.params;
  const base = normalized(data.vectors, dim);
  const qs = normalized(data.queries, dim);
  const out = new Int32Array(queries * K);
  const bestScore = new Float64Array(K);
  const bestId = new Int32Array(K);
  for (let q = 0; q < queries; q++) {
    bestScore.fill(-Infinity);
    bestId.fill(-1);
    const qo = q * dim;
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += base[o + d] * qs[qo + d];
      if (dot <= bestScore[K - 1]) continue;
      // insertion into the sorted top-K (descending)
      let j = K - 1;
      while (j > 0 && bestScore[j - 1] < dot) {
        bestScore[j] = bestScore[j - 1];
        bestId[j] = bestId[j - 1];
        j--;
      }
      bestScore[j] = dot;
      bestId[j] = i;
    }
    out.set(bestId, q * K);
  }
  return out;
}

/** Mean fraction of the true top-K found in each result list. */
export function recallAtK(truth: Int32Array, results: ArrayLike<number>[]): number {
  let hits = 0;
  for (let q = 0; q < results.length; q++) {
    const expected = new Set(truth.subarray(q * K, (q + 1) * K));
    const got = results[q];
    for (let i = 0; i < Math.min(K, got.length); i++) if (expected.has(got[i])) hits++;
  }
  return hits / (results.length * K);
}
