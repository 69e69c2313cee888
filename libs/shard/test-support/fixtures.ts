import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Distance, PointStruct } from '../src/types';

/** A fresh directory per test file; removed by the returned cleanup. */
export function tempRoot(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `hivehub-shard-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic PRNG (mulberry32) so a failing run can be reproduced. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomVectors(count: number, dim: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => random() * 2 - 1));
}

/** Vectors around `clusters` random centres: closer to real embeddings than uniform noise. */
export function clusteredVectors(count: number, dim: number, clusters: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => random() * 2 - 1));
  return Array.from({ length: count }, (_, i) => centres[i % clusters].map((c) => c + (random() - 0.5) * 0.6));
}

export function points(vectors: number[][], payload: (i: number) => Record<string, unknown> = () => ({}), firstId = 0): PointStruct[] {
  return vectors.map((vector, i) => ({ id: firstId + i, vector, payload: payload(i) }));
}

const float32Copies = new WeakMap<number[], number[]>();
function asFloat32(vector: number[]): number[] {
  let copy = float32Copies.get(vector);
  if (!copy) float32Copies.set(vector, (copy = vector.map(Math.fround)));
  return copy;
}

/** Reference scores computed the way Qdrant defines them, from float32-rounded inputs. */
export function referenceScore(distance: Distance, a: number[], b: number[]): number {
  const x = asFloat32(a);
  const y = asFloat32(b);
  if (distance === 'Euclid') return Math.sqrt(x.reduce((sum, v, i) => sum + (v - y[i]) ** 2, 0));
  if (distance === 'Dot') return x.reduce((sum, v, i) => sum + v * y[i], 0);
  const norm = (v: number[]) => Math.sqrt(v.reduce((sum, e) => sum + e * e, 0));
  return x.reduce((sum, v, i) => sum + v * y[i], 0) / (norm(x) * norm(y));
}

/** Brute-force top-k ids over `vectors` (id = index + firstId), best first. */
export function bruteForce(distance: Distance, vectors: number[][], query: number[], k: number, include: (i: number) => boolean = () => true) {
  const scored = vectors
    .map((vector, i) => ({ id: i, score: referenceScore(distance, query, vector) }))
    .filter(({ id }) => include(id));
  scored.sort((a, b) => (distance === 'Euclid' ? a.score - b.score : b.score - a.score));
  return scored.slice(0, k);
}
