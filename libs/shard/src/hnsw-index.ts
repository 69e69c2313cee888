import { HierarchicalNSW, SpaceName } from 'hnswlib-node';
import { Distance, HnswConfig } from './types';
import { storedVector } from './vector';

/**
 * Cosine uses the inner-product space on vectors the engine has normalised itself
 * (storedVector): hnswlib then keeps exactly the engine's float32 values, which a
 * checkpoint reads back out of the graph file, instead of re-normalising them to
 * slightly different bits. Queries are normalised the same way.
 */
const SPACE_BY_DISTANCE: Record<Distance, SpaceName> = { Cosine: 'ip', Euclid: 'l2', Dot: 'ip' };
const RANDOM_SEED = 100;
/** The smallest capacity a graph is made with; beyond it, capacity doubles as labels are added. */
export const MIN_CAPACITY = 1024;

export interface KnnResult {
  labels: number[];
  /** hnswlib distances, best first: Cosine/Dot 1 - similarity, Euclid squared L2. */
  distances: number[];
}

/**
 * The HNSW graph of one collection (hnswlib-node), addressed by PointTable labels.
 * Labels are never removed from the graph: a deleted point is markDelete'd and its
 * label is later reused by un-deleting it and overwriting its vector in place.
 */
export class HnswIndex {
  private currentEf = -1;

  private constructor(
    private readonly graph: HierarchicalNSW,
    private readonly distance: Distance,
  ) {}

  static create(dim: number, distance: Distance, hnsw: HnswConfig, capacity: number): HnswIndex {
    const graph = new HierarchicalNSW(SPACE_BY_DISTANCE[distance], dim);
    graph.initIndex(Math.max(capacity, MIN_CAPACITY), hnsw.m, hnsw.ef_construct, RANDOM_SEED, true);
    return new HnswIndex(graph, distance);
  }

  /** Loads a graph written by `write` (the file's checksum is verified before this is called). */
  static async load(file: string, dim: number, distance: Distance): Promise<HnswIndex> {
    const graph = new HierarchicalNSW(SPACE_BY_DISTANCE[distance], dim);
    await graph.readIndex(file, true);
    return new HnswIndex(graph, distance);
  }

  /** Labels the graph holds (live and deleted): must equal the table's high-water mark. */
  get labelCount(): number {
    return this.graph.getCurrentCount();
  }

  /** Vectors come in their stored form (storedVector: Cosine already normalised). */
  add(label: number, vector: number[]): void {
    const capacity = this.graph.getMaxElements();
    if (label >= capacity) this.graph.resizeIndex(Math.max(capacity * 2, label + 1));
    this.graph.addPoint(vector, label);
  }

  /** Overwrites a live label's vector (hnswlib updates the node and repairs its links). */
  replace(label: number, vector: number[]): void {
    this.graph.addPoint(vector, label);
  }

  /** Brings back a deleted label with a new vector. */
  reuse(label: number, vector: number[]): void {
    this.graph.unmarkDelete(label);
    this.graph.addPoint(vector, label);
  }

  remove(label: number): void {
    this.graph.markDelete(label);
  }

  search(query: number[], k: number, ef: number, filter?: (label: number) => boolean): KnnResult {
    if (ef !== this.currentEf) {
      this.graph.setEf(ef);
      this.currentEf = ef;
    }
    const q = this.distance === 'Cosine' ? normalized(query) : query;
    const result = filter ? this.graph.searchKnn(q, k, filter) : this.graph.searchKnn(q, k);
    return { labels: result.neighbors, distances: result.distances };
  }

  /** Qdrant's score for an hnswlib distance. */
  scoreOf(distance: number): number {
    return this.distance === 'Euclid' ? Math.sqrt(distance) : 1 - distance;
  }

  write(file: string): Promise<boolean> {
    return this.graph.writeIndex(file);
  }
}

function normalized(query: number[]): number[] {
  return Array.from(storedVector(query, 'Cosine'));
}
