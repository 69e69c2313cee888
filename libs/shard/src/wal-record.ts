import { crc32 } from 'zlib';
import { POINT_ID_BYTES, readPointId, writePointId } from './point-id';
import { Payload, PointId, ShardError } from './types';
import { parseStoredPayload } from './payload';

/**
 * One WAL record, little-endian:
 *   magic u32 | body length u32 | crc32 u32 | lsn u64 | op u8 | body
 * The CRC covers the length field and everything after the CRC field, so a torn
 * or bit-flipped record never passes. The magic lets replay tell "garbage after the
 * last record" (torn tail) from "a damaged record followed by good ones" (corrupt).
 */
export const RECORD_MAGIC = 0x31574848; // "HHW1"
export const RECORD_HEADER_BYTES = 21;
/** Larger records are refused at write time and treated as damage at read time. */
export const MAX_RECORD_BODY_BYTES = 1024 * 1024 * 1024;

export enum WalOp {
  Upsert = 1,
  Delete = 2,
}

/** An upsert as the WAL holds it: ids deduplicated (last wins), vectors in stored form. */
export interface UpsertBody {
  ids: PointId[];
  /** ids.length × dim float32, row i for ids[i]. */
  vectors: Float32Array;
  payloads: Payload[];
  /** UTF-8 byte length of each point's payload JSON text as the record holds it. */
  payloadBytes: number[];
}

export interface DeleteBody {
  ids: PointId[];
}

export type WalRecord = { lsn: number; op: WalOp.Upsert; body: UpsertBody } | { lsn: number; op: WalOp.Delete; body: DeleteBody };

export function encodeUpsert(lsn: number, dim: number, body: UpsertBody, payloadJson: string[]): Buffer {
  const count = body.ids.length;
  const payloadBytes = payloadJson.map((json) => Buffer.byteLength(json, 'utf8'));
  const bodyLength = 8 + count * POINT_ID_BYTES + count * dim * 4 + payloadBytes.reduce((sum, n) => sum + 4 + n, 0);
  const record = allocateRecord(lsn, WalOp.Upsert, bodyLength);
  let at = RECORD_HEADER_BYTES;
  at = record.writeUInt32LE(count, at);
  at = record.writeUInt32LE(dim, at);
  for (const id of body.ids) {
    writePointId(record, at, id);
    at += POINT_ID_BYTES;
  }
  const vectorBytes = Buffer.from(body.vectors.buffer, body.vectors.byteOffset, count * dim * 4);
  at += vectorBytes.copy(record, at);
  for (let i = 0; i < count; i++) {
    at = record.writeUInt32LE(payloadBytes[i], at);
    at += record.write(payloadJson[i], at, payloadBytes[i], 'utf8');
  }
  return sealRecord(record);
}

export function encodeDelete(lsn: number, ids: PointId[]): Buffer {
  const record = allocateRecord(lsn, WalOp.Delete, 4 + ids.length * POINT_ID_BYTES);
  let at = record.writeUInt32LE(ids.length, RECORD_HEADER_BYTES);
  for (const id of ids) {
    writePointId(record, at, id);
    at += POINT_ID_BYTES;
  }
  return sealRecord(record);
}

function allocateRecord(lsn: number, op: WalOp, bodyLength: number): Buffer {
  if (bodyLength > MAX_RECORD_BODY_BYTES) {
    throw new ShardError('bad_request', `write of ${bodyLength} bytes is larger than the ${MAX_RECORD_BODY_BYTES}-byte limit; split the batch`);
  }
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + bodyLength);
  record.writeUInt32LE(RECORD_MAGIC, 0);
  record.writeUInt32LE(bodyLength, 4);
  record.writeBigUInt64LE(BigInt(lsn), 12);
  record[20] = op;
  return record;
}

function sealRecord(record: Buffer): Buffer {
  record.writeUInt32LE(recordCrc(record, 0, record.length), 8);
  return record;
}

function recordCrc(buffer: Buffer, start: number, end: number): number {
  return crc32(buffer.subarray(start + 12, end), crc32(buffer.subarray(start + 4, start + 8)));
}

/** Outcome of reading the record that starts at `offset` of `buffer`. */
export type RecordCheck =
  | { ok: true; lsn: number; op: WalOp; end: number }
  | { ok: false; reason: string; /** header parsed, whole record needs this many bytes */ needBytes?: number };

/**
 * Validates the record at `offset`. `available` is how many bytes of the file are in
 * `buffer` from `offset`; `fileRemaining` how many the file has from `offset`.
 */
export function checkRecord(buffer: Buffer, offset: number, available: number, fileRemaining: number): RecordCheck {
  if (fileRemaining < RECORD_HEADER_BYTES) return { ok: false, reason: 'truncated header' };
  if (available < RECORD_HEADER_BYTES) return { ok: false, reason: 'need more', needBytes: RECORD_HEADER_BYTES };
  if (buffer.readUInt32LE(offset) !== RECORD_MAGIC) return { ok: false, reason: 'bad magic' };
  const bodyLength = buffer.readUInt32LE(offset + 4);
  if (bodyLength > MAX_RECORD_BODY_BYTES) return { ok: false, reason: 'implausible length' };
  const total = RECORD_HEADER_BYTES + bodyLength;
  if (total > fileRemaining) return { ok: false, reason: 'truncated record' };
  if (total > available) return { ok: false, reason: 'need more', needBytes: total };
  if (recordCrc(buffer, offset, offset + total) !== buffer.readUInt32LE(offset + 8)) return { ok: false, reason: 'checksum mismatch' };
  const op = buffer[offset + 20];
  if (op !== WalOp.Upsert && op !== WalOp.Delete) return { ok: false, reason: `unknown op ${op}` };
  const lsn = buffer.readBigUInt64LE(offset + 12);
  if (lsn > BigInt(Number.MAX_SAFE_INTEGER) || lsn === 0n) return { ok: false, reason: 'lsn out of range' };
  return { ok: true, lsn: Number(lsn), op, end: offset + total };
}

/** Decodes a record that passed checkRecord. A body that does not parse is corruption, not a torn write. */
export function decodeRecord(buffer: Buffer, offset: number, lsn: number, op: WalOp, end: number, dim: number, where: string): WalRecord {
  const body = buffer.subarray(offset + RECORD_HEADER_BYTES, end);
  try {
    return op === WalOp.Upsert ? { lsn, op, body: decodeUpsertBody(body, dim, where) } : { lsn, op, body: decodeDeleteBody(body, where) };
  } catch (error) {
    if (error instanceof ShardError) throw error;
    throw new ShardError('corrupt', `${where}: record ${lsn} does not decode: ${(error as Error).message}`);
  }
}

function decodeUpsertBody(body: Buffer, dim: number, where: string): UpsertBody {
  const count = body.readUInt32LE(0);
  if (body.readUInt32LE(4) !== dim) throw new ShardError('corrupt', `${where}: record dimension ${body.readUInt32LE(4)} is not ${dim}`);
  let at = 8;
  const ids = readIds(body, at, count, where);
  at += count * POINT_ID_BYTES;
  const vectors = new Float32Array(count * dim);
  body.copy(Buffer.from(vectors.buffer), 0, at, at + count * dim * 4);
  at += count * dim * 4;
  const payloads: Payload[] = [];
  const payloadBytes: number[] = [];
  for (let i = 0; i < count; i++) {
    const length = body.readUInt32LE(at);
    payloads.push(parseStoredPayload(body.toString('utf8', at + 4, at + 4 + length)));
    payloadBytes.push(length);
    at += 4 + length;
  }
  if (at !== body.length) throw new ShardError('corrupt', `${where}: upsert record has ${body.length - at} stray bytes`);
  return { ids, vectors, payloads, payloadBytes };
}

function decodeDeleteBody(body: Buffer, where: string): DeleteBody {
  const count = body.readUInt32LE(0);
  if (body.length !== 4 + count * POINT_ID_BYTES) throw new ShardError('corrupt', `${where}: delete record length does not match its count`);
  return { ids: readIds(body, 4, count, where) };
}

function readIds(body: Buffer, at: number, count: number, where: string): PointId[] {
  const ids: PointId[] = [];
  for (let i = 0; i < count; i++) {
    const id = readPointId(body, at + i * POINT_ID_BYTES, where);
    if (id === undefined) throw new ShardError('corrupt', `${where}: empty point id in a record`);
    ids.push(id);
  }
  return ids;
}
