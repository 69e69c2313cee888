import { promises as fs } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ShardError } from './types';
import { parseWalFileName } from './wal';
import { checkRecord, decodeRecord, RECORD_MAGIC, WalRecord } from './wal-record';

const READ_CHUNK_BYTES = 4 * 1024 * 1024;
const YIELD_EVERY_MS = 10;

export interface ReplayResult {
  lastLsn: number;
  replayed: number;
  /** The file appends continue in (trimmed of a torn tail), or null when the WAL is empty. */
  activeFile: { name: string; size: number } | null;
  /** Bytes in WAL files that still hold records after the checkpoint. */
  liveBytes: number;
  /** Sealed files holding only records the checkpoint already covers. */
  obsoleteFiles: string[];
}

/**
 * Replays every record after `checkpointLsn`, in LSN order, through `apply`.
 * What must stay true:
 * - LSNs after the checkpoint are consecutive; a gap means lost records: corrupt.
 * - Damage in the last file with no valid record after it is a torn append (the
 *   crash happened mid-write, nothing after it was acknowledged): it is cut off.
 * - Any other damage is corrupt: dropping it would silently lose acknowledged writes.
 * - `strict` (a restored copy, which was cut at a record boundary): any damage is corrupt.
 */
export async function replayWal(
  walDir: string,
  checkpointLsn: number,
  dim: number,
  apply: (record: WalRecord) => void,
  options: { strict?: boolean } = {},
): Promise<ReplayResult> {
  const names = (await fs.readdir(walDir))
    .filter((name) => parseWalFileName(name) !== null)
    .sort();
  let previousLsn = 0;
  let replayed = 0;
  let liveBytes = 0;
  const obsoleteFiles: string[] = [];
  let activeFile: ReplayResult['activeFile'] = null;

  for (const [index, name] of names.entries()) {
    const file = path.join(walDir, name);
    const isLast = index === names.length - 1;
    let holdsLiveRecords = false;
    const scan = await scanWalFile(file, (buffer, offset, lsn, op, end) => {
      if (lsn <= previousLsn) throw new ShardError('corrupt', `${file}: LSN ${lsn} after ${previousLsn} (out of order)`);
      previousLsn = lsn;
      if (lsn <= checkpointLsn) return;
      const expected = checkpointLsn + replayed + 1;
      if (lsn !== expected) throw new ShardError('corrupt', `${file}: LSN ${lsn} where ${expected} was expected (records are missing)`);
      apply(decodeRecord(buffer, offset, lsn, op, end, dim, file));
      replayed++;
      holdsLiveRecords = true;
    });
    let size = scan.size;
    if (scan.damage) {
      const { offset, reason } = scan.damage;
      if (!isLast) throw new ShardError('corrupt', `${file}: damaged record at byte ${offset} (${reason}) in a sealed WAL file`);
      if (options.strict) throw new ShardError('corrupt', `${file}: damaged record at byte ${offset} (${reason})`);
      if (await hasValidRecordAfter(file, offset)) {
        throw new ShardError('corrupt', `${file}: damaged record at byte ${offset} (${reason}) followed by valid records`);
      }
      await truncateDurably(file, offset);
      size = offset;
    }
    if (isLast) activeFile = { name, size };
    if (holdsLiveRecords || isLast) liveBytes += size;
    else if (checkpointLsn > 0) obsoleteFiles.push(file);
  }
  return { lastLsn: Math.max(previousLsn, checkpointLsn), replayed, activeFile, liveBytes, obsoleteFiles };
}

type RecordVisitor = (buffer: Buffer, offset: number, lsn: number, op: WalRecord['op'], end: number) => void;

/** Reads records in order; stops at the first one that fails its checks and reports where. */
async function scanWalFile(file: string, visit: RecordVisitor): Promise<{ size: number; damage: { offset: number; reason: string } | null }> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    let buffer: Buffer = Buffer.alloc(0);
    let bufferStart = 0;
    let offset = 0;
    let sliceStart = performance.now();
    while (offset < size) {
      let check = checkRecord(buffer, offset - bufferStart, bufferStart + buffer.length - offset, size - offset);
      if (!check.ok && check.needBytes !== undefined) {
        buffer = await readAt(handle, offset, Math.min(size - offset, Math.max(READ_CHUNK_BYTES, check.needBytes)));
        bufferStart = offset;
        check = checkRecord(buffer, 0, buffer.length, size - offset);
      }
      if (!check.ok) return { size, damage: { offset, reason: check.reason } };
      visit(buffer, offset - bufferStart, check.lsn, check.op, check.end);
      offset = bufferStart + check.end;
      if (performance.now() - sliceStart > YIELD_EVERY_MS) {
        // Rebuilding a graph from the WAL is synchronous native work: let the node serve other shards meanwhile.
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return { size, damage: null };
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new ShardError('corrupt', 'WAL file shrank while being read');
    filled += bytesRead;
  }
  return buffer;
}

/** Is there any intact record after a damaged one at `offset`? Only read on the damage path. */
async function hasValidRecordAfter(file: string, offset: number): Promise<boolean> {
  const tail = (await fs.readFile(file)).subarray(offset + 1);
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(RECORD_MAGIC, 0);
  for (let at = tail.indexOf(magic); at !== -1; at = tail.indexOf(magic, at + 1)) {
    if (checkRecord(tail, at, tail.length - at, tail.length - at).ok) return true;
  }
  return false;
}

async function truncateDurably(file: string, size: number): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
