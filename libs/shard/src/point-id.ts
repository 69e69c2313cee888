import { PointId, ShardError } from './types';

/**
 * Point ids are unsigned safe integers or UUIDs. UUIDs are accepted in the forms
 * Qdrant accepts (any case, hyphenated or simple, braced, urn:uuid:) and always
 * normalised to lowercase hyphenated, so one point never has two spellings.
 */

const HYPHENATED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIMPLE_UUID = /^[0-9a-f]{32}$/;

/** Bytes one id takes in WAL records and segment files: kind + 16 bytes. */
export const POINT_ID_BYTES = 17;
const KIND_NONE = 0;
const KIND_INTEGER = 1;
const KIND_UUID = 2;
const TWO_POW_32 = 0x1_0000_0000;

export function normalizePointId(raw: unknown, where = 'point id'): PointId {
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw >= 0) return raw;
  } else if (typeof raw === 'string') {
    const uuid = normalizeUuid(raw);
    if (uuid !== null) return uuid;
  }
  throw new ShardError('bad_request', `${where} ${describe(raw)} is invalid: expected an unsigned integer or a UUID`);
}

function normalizeUuid(raw: string): string | null {
  let text = raw.toLowerCase();
  if (text.startsWith('urn:uuid:')) text = text.slice('urn:uuid:'.length);
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (HYPHENATED_UUID.test(text)) return text;
  if (SIMPLE_UUID.test(text)) {
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }
  return null;
}

function describe(raw: unknown): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Scroll order: integers ascending, then UUIDs ascending (lowercase hex sorts like the bytes). */
export function comparePointIds(a: PointId, b: PointId): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes `id` (or an empty slot when undefined) as POINT_ID_BYTES bytes at `offset`. */
export function writePointId(buffer: Buffer, offset: number, id: PointId | undefined): void {
  buffer.fill(0, offset, offset + POINT_ID_BYTES);
  if (id === undefined) return;
  if (typeof id === 'number') {
    buffer[offset] = KIND_INTEGER;
    buffer.writeUInt32LE(id % TWO_POW_32, offset + 1);
    buffer.writeUInt32LE(Math.floor(id / TWO_POW_32), offset + 5);
  } else {
    buffer[offset] = KIND_UUID;
    buffer.write(id.replace(/-/g, ''), offset + 1, 16, 'hex');
  }
}

/** Reads an id written by writePointId; undefined for an empty slot. Throws on bytes no writer produces. */
export function readPointId(buffer: Buffer, offset: number, where: string): PointId | undefined {
  const kind = buffer[offset];
  if (kind === KIND_NONE) return undefined;
  if (kind === KIND_INTEGER) {
    const id = buffer.readUInt32LE(offset + 1) + buffer.readUInt32LE(offset + 5) * TWO_POW_32;
    if (!Number.isSafeInteger(id)) throw new ShardError('corrupt', `${where}: integer point id out of range`);
    return id;
  }
  if (kind === KIND_UUID) {
    const hex = buffer.toString('hex', offset + 1, offset + 17);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new ShardError('corrupt', `${where}: unknown point id kind ${kind}`);
}
