import { simdLevels, VectorGraph } from 'hivehub-vector-graph';
import { Distance, HnswConfig } from './types';
import { storedVector } from './vector';

/**
 * Cosine uses the inner-product space on vectors the engine has normalised itself
 * (storedVector): the graph then holds exactly the engine's float32 values, the only
 * copy of the vectors in memory and on disk. Queries are normalised the same way.
 */
const SPACE_BY_DISTANCE: Record<Distance, 'l2' | 'ip'> = { Cosine: 'ip', Euclid: 'l2', Dot: 'ip' };
const RANDOM_SEED = 100;
/** The instruction set the graph computes distances with on this CPU: 'avx512', 'avx2' or 'sse'. */
export const DISTANCE_SIMD_LEVEL = simdLevels[0];
/** The smallest capacity a graph is made with; beyond it, capacity doubles as labels are added. */
export const MIN_CAPACITY = 1024;

export interface KnnResult {
  labels: ArrayLike<number>;
  /** hnswlib distances, best first: Cosine/Dot 1 - similarity, Euclid squared L2. */
  distances: ArrayLike<number>;
}

/**
 * The HNSW graph of one collection (hnswlib through hivehub-vector-graph, libs/shard/native),
 * addressed by PointTable labels. It holds the collection's vectors: there is no other
 * copy. Labels are never removed from the graph: a deleted point is marked deleted and
 * its label is later reused by un-deleting it and overwriting its vector in place.
 */
export class HnswIndex {
  private currentEf = -1;

  private constructor(
    private readonly graph: VectorGraph,
    private readonly distance: Distance,
    readonly dim: number,
  ) {}

  static create(dim: number, distance: Distance, hnsw: HnswConfig, capacity: number): HnswIndex {
    const graph = new VectorGraph(SPACE_BY_DISTANCE[distance], dim);
    graph.initIndex(Math.max(capacity, MIN_CAPACITY), hnsw.m, hnsw.ef_construct, RANDOM_SEED);
    return new HnswIndex(graph, distance, dim);
  }

  /** Loads a graph written by `write` (checked by readGraphFile before this is called). */
  static async load(file: string, dim: number, distance: Distance): Promise<HnswIndex> {
    const graph = new VectorGraph(SPACE_BY_DISTANCE[distance], dim);
    await graph.readIndex(file);
    return new HnswIndex(graph, distance, dim);
  }

  /** Labels the graph holds (live and deleted): must equal the table's high-water mark. */
  get labelCount(): number {
    return this.graph.getCurrentCount();
  }

  /** Vectors come in their stored form (storedVector: Cosine already normalised). */
  add(label: number, vector: Float32Array): void {
    const capacity = this.graph.getMaxElements();
    if (label >= capacity) this.graph.resizeIndex(Math.max(capacity * 2, label + 1));
    this.graph.addPoint(vector, label);
  }

  /** Overwrites a live label's vector (hnswlib updates the node and repairs its links). */
  replace(label: number, vector: Float32Array): void {
    this.graph.addPoint(vector, label);
  }

  /** Brings back a deleted label with a new vector. */
  reuse(label: number, vector: Float32Array): void {
    this.graph.unmarkDelete(label);
    this.graph.addPoint(vector, label);
  }

  remove(label: number): void {
    this.graph.markDelete(label);
  }

  /** A copy of the label's stored vector. */
  vectorAt(label: number): Float32Array {
    const out = new Float32Array(this.dim);
    if (!this.graph.vectorInto(label, out)) throw new Error(`the graph has no label ${label}`);
    return out;
  }

  /** `allowed[label] === 1` admits a label when given. */
  search(query: ArrayLike<number>, k: number, ef: number, allowed?: Uint8Array): KnnResult {
    if (ef !== this.currentEf) {
      this.graph.setEf(ef);
      this.currentEf = ef;
    }
    return this.graph.searchKnn(storedVector(query, this.distance), k, allowed);
  }

  /** The hnswlib distance from a query (request form) to each of `labels`, into `out`. */
  distances(query: ArrayLike<number>, labels: Uint32Array, out: Float32Array): void {
    this.graph.distances(storedVector(query, this.distance), labels, out);
  }

  /** Qdrant's score for an hnswlib distance. */
  scoreOf(distance: number): number {
    return this.distance === 'Euclid' ? Math.sqrt(distance) : 1 - distance;
  }

  write(file: string): Promise<void> {
    return this.graph.writeIndex(file);
  }
}
