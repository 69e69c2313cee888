import { HnswIndex } from './hnsw-index';
import { payloadJson, parseStoredPayload } from './payload';
import { normalizePointId } from './point-id';
import { PointTable } from './point-table';
import { CollectionConfig, Payload, PointId, ShardError } from './types';
import { requestVector, storedVector } from './vector';
import { UpsertBody } from './wal-record';

export interface PreparedUpsert {
  body: UpsertBody;
  payloadJson: string[];
}

/**
 * Validates a whole upsert before anything is written (a failed write changes
 * nothing) and puts it in WAL form: ids normalised, duplicates resolved as Qdrant
 * does (the last occurrence wins), vectors float32 (Cosine: normalised), payloads
 * as their JSON text plus the frozen object parsed back from that text.
 */
export function prepareUpsert(points: unknown, config: CollectionConfig): PreparedUpsert {
  if (!Array.isArray(points)) throw new ShardError('bad_request', 'points must be a list');
  const byId = new Map<PointId, { vector: Float32Array; json: string }>();
  points.forEach((raw: unknown, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ShardError('bad_request', `points[${i}] must be an object`);
    const point = raw as Record<string, unknown>;
    const id = normalizePointId(point.id, `points[${i}].id`);
    const vector = storedVector(requestVector(point.vector, config.size, `points[${i}].vector`), config.distance);
    byId.delete(id);
    byId.set(id, { vector, json: payloadJson(point.payload, i) });
  });
  const ids = [...byId.keys()];
  const vectors = new Float32Array(ids.length * config.size);
  const payloads: Payload[] = [];
  const payloadBytes: number[] = [];
  const jsonTexts: string[] = [];
  let row = 0;
  for (const { vector, json } of byId.values()) {
    vectors.set(vector, row * config.size);
    payloads.push(parseStoredPayload(json));
    payloadBytes.push(Buffer.byteLength(json, 'utf8'));
    jsonTexts.push(json);
    row++;
  }
  return { body: { ids, vectors, payloads, payloadBytes }, payloadJson: jsonTexts };
}

/**
 * Applies points [from, to) of a logged upsert to memory; returns how many of them
 * were new ids. The index is updated before the table so a throwing index call
 * leaves that point's table entry as it was.
 */
export function applyUpsert(table: PointTable, index: HnswIndex, body: UpsertBody, lsn: number, from = 0, to = body.ids.length): number {
  const dim = table.dim;
  let added = 0;
  for (let i = from; i < to; i++) {
    const id = body.ids[i];
    const vector = body.vectors.subarray(i * dim, (i + 1) * dim);
    const existing = table.labelOf(id);
    if (existing !== undefined) {
      // A payload-only change keeps the vector: skip hnswlib's costly neighbourhood repair.
      if (!sameVector(index.vectorAt(existing), vector)) index.replace(existing, vector);
      table.set(id, existing, body.payloads[i], body.payloadBytes[i], lsn);
    } else {
      const { label, reused } = table.nextFreeLabel();
      if (reused) index.reuse(label, vector);
      else index.add(label, vector);
      table.set(id, label, body.payloads[i], body.payloadBytes[i], lsn);
      added++;
    }
  }
  return added;
}

/**
 * How an upsert would change the collection's stored bytes (see PointTable.storedBytes):
 * `net` is the total change, `growth` the sum of the per-point increases only (what a
 * quota reservation must hold so the shard's count never runs below the final total
 * while the batch is applied point by point).
 */
export function upsertByteDelta(table: PointTable, body: UpsertBody): { net: number; growth: number } {
  let net = 0;
  let growth = 0;
  for (let i = 0; i < body.ids.length; i++) {
    const label = table.labelOf(body.ids[i]);
    const delta = label === undefined ? table.dim * 4 + body.payloadBytes[i] : body.payloadBytes[i] - table.payloadBytesAt(label);
    net += delta;
    if (delta > 0) growth += delta;
  }
  return { net, growth };
}

export function applyDelete(table: PointTable, index: HnswIndex, ids: PointId[]): void {
  for (const id of ids) {
    const label = table.labelOf(id);
    if (label === undefined) continue;
    index.remove(label);
    table.delete(id);
  }
}

function sameVector(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
