/**
 * The one dataset every system is measured on: a seeded mixture of Gaussian clusters
 * (centres ~ N(0, 1) per dimension, points = centre + spread * N(0, 1)), and queries
 * drawn from the same mixture with another seed, so they are never points of the set.
 * Everything is a flat Float32Array (row-major, `dim` floats a row) to keep 100k x 768
 * within a few hundred MB and the ground-truth loop fast.
 */
export interface DatasetParams {
  n: number;
  dim: number;
  queries: number;
  clusters: number;
  spread: number;
  seed: number;
}

export interface Dataset {
  params: DatasetParams;
  /** n rows of dim floats; row i is point id i. */
  vectors: Float32Array;
  /** `queries` rows of dim floats. */
  queries: Float32Array;
}

/** A stable name of the dataset, for cache files and reports. */
export function datasetKey(p: DatasetParams): string {
  return `n${p.n}-d${p.dim}-q${p.queries}-c${p.clusters}-s${p.spread}-seed${p.seed}`;
}

/** mulberry32: small, fast, good enough for benchmark data, identical on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rnd: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = rnd();
    const v = rnd();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function sample(rows: number, dim: number, centres: Float32Array, clusters: number, spread: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const normal = gaussian(rnd);
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(rnd() * clusters) * dim;
    const o = i * dim;
    for (let d = 0; d < dim; d++) out[o + d] = centres[c + d] + spread * normal();
  }
  return out;
}

export function makeDataset(params: DatasetParams): Dataset {
  const { n, dim, queries, clusters, spread, seed } = params;
  const normal = gaussian(mulberry32(seed));
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = normal();
  return {
    params,
    vectors: sample(n, dim, centres, clusters, spread, seed + 1),
    queries: sample(queries, dim, centres, clusters, spread, seed + 2),
  };
}

/** Row i as a plain array (what hnswlib-node and JSON bodies need). */
export function row(data: Float32Array, dim: number, i: number): number[] {
  return Array.from(data.subarray(i * dim, (i + 1) * dim));
}

/** A copy with every row scaled to unit length (cosine = dot product). */
export function normalized(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < data.length; o += dim) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += data[o + d] * data[o + d];
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[o + d] = data[o + d] * inv;
  }
  return out;
}
