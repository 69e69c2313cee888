import { HnswIndex } from './hnsw-index';
import { PointTable } from './point-table';

export interface ScoredLabels {
  labels: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/**
 * Brute-force top-k over `candidates` (all live labels when null), best first, Qdrant
 * scores. The distances come from the graph's own stored vectors and distance function
 * (hnswlib's SIMD code, one native call); the top-k is kept here with ties resolved
 * towards the lower label.
 */
export function exactTopK(table: PointTable, index: HnswIndex, query: ArrayLike<number>, k: number, candidates: number[] | null): ScoredLabels {
  const labels = Uint32Array.from(candidates ?? table.liveLabels());
  const distances = new Float32Array(labels.length);
  index.distances(query, labels, distances);
  const heap = new MinHeap(k);
  // "Higher is better" keys: minus the distance, whatever the space.
  for (let i = 0; i < labels.length; i++) heap.offer(-distances[i], labels[i]);
  const best = heap.drainBestFirst();
  return { labels: best.labels, scores: best.keys.map((key) => index.scoreOf(-key)) };
}

/** Keeps the `capacity` largest keys seen; ties keep the earlier (lower) label. */
class MinHeap {
  private readonly keys: number[] = [];
  private readonly labels: number[] = [];

  constructor(private readonly capacity: number) {}

  offer(key: number, label: number): void {
    if (this.capacity <= 0) return;
    if (this.keys.length < this.capacity) {
      this.keys.push(key);
      this.labels.push(label);
      this.siftUp(this.keys.length - 1);
    } else if (key > this.keys[0]) {
      this.keys[0] = key;
      this.labels[0] = label;
      this.siftDown(0);
    }
  }

  drainBestFirst(): { keys: number[]; labels: number[] } {
    const order = this.keys.map((_, i) => i).sort((a, b) => this.keys[b] - this.keys[a] || this.labels[a] - this.labels[b]);
    return { keys: order.map((i) => this.keys[i]), labels: order.map((i) => this.labels[i]) };
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= this.keys[i]) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.keys[left] < this.keys[smallest]) smallest = left;
      if (right < n && this.keys[right] < this.keys[smallest]) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.labels[a], this.labels[b]] = [this.labels[b], this.labels[a]];
  }
}
