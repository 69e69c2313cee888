/** hnswlib's HierarchicalNSW<float> (vendor/hnswlib-slots), as libs/shard's HnswIndex uses it. Labels are slots: label i is element i. */
/** The instruction sets this CPU can compute distances with, widest first: some of 'avx512', 'avx2', then always 'sse'. */
export const simdLevels: readonly string[];

export class VectorGraph {
  /** Distances use `simd` (one of simdLevels; the widest by default). */
  constructor(space: 'l2' | 'ip', dim: number, simd?: string);
  initIndex(maxElements: number, m: number, efConstruction: number, seed: number): void;
  /** Replaces the graph with the file's, read off the JS thread. */
  readIndex(path: string): Promise<void>;
  /** Writes the graph off the JS thread; nothing may change it until this settles. */
  writeIndex(path: string): Promise<void>;
  resizeIndex(maxElements: number): void;
  getMaxElements(): number;
  getCurrentCount(): number;
  /** Adds the label, which must be the next slot (getCurrentCount()), or updates the vector of an existing one (unmarking it if it was deleted). */
  addPoint(vector: Float32Array, label: number): void;
  markDelete(label: number): void;
  unmarkDelete(label: number): void;
  setEf(ef: number): void;
  /** Nearest first; `allowed[label] !== 0` admits a label when given. */
  searchKnn(query: Float32Array, k: number, allowed?: Uint8Array): { labels: Uint32Array; distances: Float32Array };
  /** Copies the label's stored vector into `out`; false when the graph has no such label. */
  vectorInto(label: number, out: Float32Array): boolean;
  /** The space's distance from `query` to each label (NaN for an unknown label). */
  distances(query: Float32Array, labels: Uint32Array, out: Float32Array): void;
}
