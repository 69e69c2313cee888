import { PointTable } from './point-table';
import { Distance } from './types';
import { storedVector } from './vector';

export interface ScoredLabels {
  labels: number[];
  scores: number[];
}

/**
 * Brute-force top-k over `candidates` (all live labels when null), best first.
 * Internally "higher is better": similarity for Cosine/Dot, minus squared L2 for
 * Euclid; scores come back in Qdrant's form.
 */
export function exactTopK(
  table: PointTable,
  distance: Distance,
  query: number[],
  k: number,
  candidates: Iterable<number> | null,
): ScoredLabels {
  const q = storedVector(query, distance);
  const dim = table.dim;
  const data = table.vectorData;
  const heap = new MinHeap(k);
  const euclid = distance === 'Euclid';
  for (const label of candidates ?? table.liveLabels()) {
    const base = label * dim;
    let acc = 0;
    if (euclid) {
      for (let i = 0; i < dim; i++) {
        const d = q[i] - data[base + i];
        acc -= d * d;
      }
    } else {
      for (let i = 0; i < dim; i++) acc += q[i] * data[base + i];
    }
    heap.offer(acc, label);
  }
  const { keys, labels } = heap.drainBestFirst();
  return { labels, scores: euclid ? keys.map((key) => Math.sqrt(-key)) : keys };
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
