import { Payload, ShardError, WithPayload } from './types';

/**
 * Payloads are stored as parsed JSON, deeply frozen: what a reader gets is exactly
 * what the WAL holds (a JSON round trip drops undefined, functions, Dates become
 * strings...), and results can hand out the stored object without copying it,
 * because nobody can mutate it.
 */

export const EMPTY_PAYLOAD: Payload = Object.freeze({}) as Payload;

/** Canonical JSON text of a point's payload as written to the WAL. */
export function payloadJson(raw: unknown, pointIndex: number): string {
  if (raw === undefined || raw === null) return '{}';
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ShardError('bad_request', `points[${pointIndex}].payload must be a JSON object`);
  }
  let json: string;
  try {
    json = JSON.stringify(raw);
  } catch (error) {
    throw new ShardError('bad_request', `points[${pointIndex}].payload is not serialisable as JSON: ${(error as Error).message}`);
  }
  return json;
}

/** Parses WAL/segment payload JSON into the frozen in-memory form. */
export function parseStoredPayload(json: string): Payload {
  if (json === '{}') return EMPTY_PAYLOAD;
  return deepFreeze(JSON.parse(json) as Payload);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The payload a result carries for `with_payload` (true: all, false: none, list: those top-level keys). */
export function selectPayload(payload: Payload, withPayload: WithPayload): Payload | undefined {
  if (withPayload === true) return payload;
  if (withPayload === false) return undefined;
  const picked: Payload = {};
  for (const key of withPayload) {
    if (Object.prototype.hasOwnProperty.call(payload, key)) picked[key] = payload[key];
  }
  return picked;
}

export function parseWithPayload(raw: unknown, fallback: boolean): WithPayload {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (Array.isArray(raw) && raw.every((key) => typeof key === 'string')) return raw as string[];
  throw new ShardError('bad_request', 'with_payload must be a boolean or a list of keys');
}

/**
 * Values at a key path: `a.b` walks nested objects (and, like Qdrant's older paths,
 * through arrays of objects); `a[].b` explicitly walks every element of array `a`.
 * Returns one entry per value found; a final array stays one entry.
 */
/**
 * Whether `test` holds for any value at `path`: a step into an array looks into each
 * element, a `key[]` step continues with the elements of the array found there (a
 * value that is not an array ends that branch). Walks without collecting, since a
 * filter asks this of every point it scans.
 */
export function someValueAtPath(payload: Payload, path: readonly PathStep[], test: (value: unknown) => boolean): boolean {
  return someAt(payload, path, 0, test);
}

function someAt(value: unknown, path: readonly PathStep[], depth: number, test: (value: unknown) => boolean): boolean {
  return depth === path.length ? test(value) : someInField(value, path, depth, test);
}

function someInField(value: unknown, path: readonly PathStep[], depth: number, test: (value: unknown) => boolean): boolean {
  if (Array.isArray(value)) {
    for (const element of value) if (someInField(element, path, depth, test)) return true;
    return false;
  }
  const step = path[depth];
  if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, step.key)) return false;
  const found = (value as Record<string, unknown>)[step.key];
  if (!step.flattenArray) return someAt(found, path, depth + 1, test);
  if (!Array.isArray(found)) return false;
  for (const element of found) if (someAt(element, path, depth + 1, test)) return true;
  return false;
}

export interface PathStep {
  key: string;
  flattenArray: boolean;
}

export function parseKeyPath(key: unknown): PathStep[] {
  if (typeof key !== 'string' || key.length === 0) throw new ShardError('bad_request', 'filter key must be a non-empty string');
  return key.split('.').map((segment) => {
    const flattenArray = segment.endsWith('[]');
    const name = flattenArray ? segment.slice(0, -2) : segment;
    if (name.length === 0) throw new ShardError('bad_request', `invalid filter key "${key}"`);
    return { key: name, flattenArray };
  });
}
