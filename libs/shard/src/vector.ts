import { Distance, ShardError } from './types';

/** Checks a request vector: a list of `dim` finite numbers. */
export function assertVector(raw: unknown, dim: number, where: string): asserts raw is number[] {
  if (!Array.isArray(raw)) throw new ShardError('bad_request', `${where} must be a list of numbers`);
  if (raw.length !== dim) {
    throw new ShardError('bad_request', `${where} has dimension ${raw.length}, expected ${dim} (the collection's size)`);
  }
  for (let i = 0; i < dim; i++) {
    const value = raw[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ShardError('bad_request', `${where}[${i}] must be a finite number, got ${String(value)}`);
    }
  }
}

/**
 * The stored form of a vector: float32, and for Cosine normalised (as Qdrant and
 * hnswlib do), so exact search and returned vectors agree with the index.
 */
export function storedVector(values: ArrayLike<number>, distance: Distance): Float32Array {
  const vector = Float32Array.from(values);
  if (distance === 'Cosine') normalizeInPlace(vector);
  return vector;
}

export function normalizeInPlace(vector: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
}

/** float32 vectors must stay finite after conversion (1e39 is finite as a double but not as a float). */
export function assertFiniteFloat32(vector: Float32Array, where: string): void {
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new ShardError('bad_request', `${where}[${i}] overflows float32`);
  }
}
