import { endianness } from 'os';
import { Distance, PackedVector, ShardError } from './types';

// Packed vectors are the host's float32 bytes, which are little-endian on every
// platform this runs on; refuse to start anywhere they would not be.
if (endianness() !== 'LE') throw new Error('libs/shard expects a little-endian host (packed vectors are little-endian float32)');

/** A vector as its little-endian float32 bytes in base64: see PackedVector. */
export function packVector(values: ArrayLike<number>): PackedVector {
  const vector = Float32Array.from(values);
  return { f32: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') };
}

/** A request's vector, as a list of `dim` finite numbers or packed (PackedVector) with `dim` finite floats. */
export function requestVector(raw: unknown, dim: number, where: string): ArrayLike<number> {
  if (!isPacked(raw)) {
    assertVector(raw, dim, where);
    return raw;
  }
  const bytes = Buffer.from(raw.f32, 'base64');
  if (bytes.length % 4 !== 0) throw new ShardError('bad_request', `${where} is packed but holds ${bytes.length} bytes, not whole float32s`);
  if (bytes.length !== dim * 4) {
    throw new ShardError('bad_request', `${where} has dimension ${bytes.length / 4}, expected ${dim} (the collection's size)`);
  }
  const vector = new Float32Array(dim);
  new Uint8Array(vector.buffer).set(bytes);
  assertFiniteFloat32(vector, where);
  return vector;
}

function isPacked(raw: unknown): raw is PackedVector {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && typeof (raw as PackedVector).f32 === 'string';
}

/** Checks a request vector: a list of `dim` numbers, finite as float32. */
function assertVector(raw: unknown, dim: number, where: string): asserts raw is number[] {
  if (!Array.isArray(raw)) throw new ShardError('bad_request', `${where} must be a list of numbers`);
  if (raw.length !== dim) {
    throw new ShardError('bad_request', `${where} has dimension ${raw.length}, expected ${dim} (the collection's size)`);
  }
  for (let i = 0; i < dim; i++) {
    const value = raw[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ShardError('bad_request', `${where}[${i}] must be a finite number, got ${String(value)}`);
    }
    // Stored as float32: 1e39 is a finite double but not a finite float.
    if (!Number.isFinite(Math.fround(value))) throw new ShardError('bad_request', `${where}[${i}] overflows float32`);
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

/** A packed vector's floats must be finite (the api packs finite doubles, so a non-finite one overflowed float32). */
function assertFiniteFloat32(vector: Float32Array, where: string): void {
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new ShardError('bad_request', `${where}[${i}] overflows float32`);
  }
}
