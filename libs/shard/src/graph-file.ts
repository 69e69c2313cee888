import { createHash, Hash } from 'crypto';
import { FileHandle, open } from 'fs/promises';
import { MIN_CAPACITY } from './hnsw-index';
import { ShardError } from './types';

/**
 * Reads a checkpoint's graph.hnsw (hnswlib's saveIndex format) in one pass that
 * hashes it and proves its structure sound, so hnswlib is only handed a file it
 * cannot crash on (nor over-allocate for).
 *
 * Layout (hnswalg.h, little-endian): a 96-byte header; then `count` level-0 records
 * of `sizePerElement` bytes (u32 link header (low 16 bits: link count, byte 2: deleted
 * mark), `maxM0` u32 links, `dim` float32 values at `offsetData`, u64 label at
 * `labelOffset`); then per element a u32 byte length and that many bytes of upper-level
 * link lists, each a u32 count + `maxM` u32 links.
 */
const HEADER_BYTES = 96;
const READ_BYTES = 8 * 1024 * 1024;

interface GraphHeader {
  offsetLevel0: number;
  /** The capacity hnswlib allocates on load: the engine grows it by doubling. */
  maxElements: number;
  count: number;
  sizePerElement: number;
  labelOffset: number;
  offsetData: number;
  maxLevel: number;
  enterPoint: number;
  maxM: number;
  maxM0: number;
}

export interface GraphFileRead {
  size: number;
  /** Null when the caller passed the digest it already verified. */
  sha256: string | null;
}

/**
 * Checks the graph holds `labels` labels of dimension `dim`, element i labelled i, with
 * sound links. `hash: false` skips hashing (already verified).
 */
export async function readGraphFile(file: string, dim: number, labels: number, hash: boolean): Promise<GraphFileRead> {
  const corrupt = (why: string) => new ShardError('corrupt', `${file}: ${why}`);
  const digest = hash ? createHash('sha256') : null;
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw corrupt(`cannot be read: ${(error as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    const input = new ChunkReader(handle, size, digest, corrupt);
    const header = parseHeader(await input.take(HEADER_BYTES), dim, labels, corrupt);
    // The engine's labels are slots: element i carries label i (native/vendor/hnswlib-slots).
    for (let element = 0; element < header.count; element++) {
      const record = await input.take(header.sizePerElement);
      checkLinks(record, 0, header.maxM0, header.count, () => corrupt(`element ${element} has a bad level-0 link list`));
      const high = record.readUInt32LE(header.labelOffset + 4);
      const label = record.readUInt32LE(header.labelOffset);
      if (high !== 0 || label !== element) throw corrupt(`element ${element} has label ${high * 2 ** 32 + label}, not its slot number`);
    }

    // Upper levels: hnswlib follows a link at level l into the target's own list at
    // level l, so each target must reach that level, and the entry point the top one.
    const perLevel = 4 + header.maxM * 4;
    const levelOf = new Uint8Array(header.count);
    const upperLinks: number[] = []; // pairs: target element, level of the link
    for (let element = 0; element < header.count; element++) {
      const length = (await input.take(4)).readUInt32LE(0);
      if (length === 0) continue;
      const levels = length / perLevel;
      if (!Number.isInteger(levels) || levels > header.maxLevel || length > input.remaining) throw corrupt(`element ${element} has ${length} bytes of upper links`);
      levelOf[element] = levels;
      const links = await input.take(length);
      for (let level = 0; level < levels; level++) {
        const at = level * perLevel;
        checkLinks(links, at, header.maxM, header.count, () => corrupt(`element ${element} has a bad link list at level ${level + 1}`));
        for (let i = 0; i < links.readUInt16LE(at); i++) upperLinks.push(links.readUInt32LE(at + 4 + i * 4), level + 1);
      }
    }
    for (let i = 0; i < upperLinks.length; i += 2) {
      if (levelOf[upperLinks[i]] < upperLinks[i + 1]) throw corrupt(`a link at level ${upperLinks[i + 1]} names element ${upperLinks[i]}, which has no list at that level`);
    }
    if (header.count > 0 && levelOf[header.enterPoint] !== header.maxLevel) throw corrupt(`the entry point ${header.enterPoint} is not on the top level ${header.maxLevel}`);
    if (input.remaining !== 0) throw corrupt(`${input.remaining} stray bytes after the graph`);
    return { size, sha256: digest ? digest.digest('hex') : null };
  } finally {
    await handle.close();
  }
}

/**
 * Sequential reads in large chunks (hashed as they arrive); `take` hands out views that
 * stay valid until the next call. Two buffers take turns: memory touched for the first
 * time costs a page fault a 4 KiB, so a fresh 8 MiB buffer per chunk cost more than
 * the reading.
 */
class ChunkReader {
  /** The bytes read and not yet consumed start at `pos` of `buffer`, a view of `block`. */
  private buffer = Buffer.alloc(0);
  private block = Buffer.alloc(0);
  private spare = Buffer.alloc(0);
  private pos = 0;
  private fileAt = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
    private readonly digest: Hash | null,
    private readonly corrupt: (why: string) => ShardError,
  ) {}

  /** Bytes not yet taken. */
  get remaining(): number {
    return this.size - this.fileAt + (this.buffer.length - this.pos);
  }

  async take(length: number): Promise<Buffer> {
    if (this.buffer.length - this.pos < length) await this.refill(length);
    const view = this.buffer.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  private async refill(length: number): Promise<void> {
    const left = this.buffer.length - this.pos;
    if (left + (this.size - this.fileAt) < length) throw this.corrupt(`ends ${length - left - (this.size - this.fileAt)} bytes short`);
    const wanted = Math.min(Math.max(length, READ_BYTES), left + (this.size - this.fileAt));
    const block = this.spare.length >= wanted ? this.spare : Buffer.allocUnsafe(wanted);
    const next = block.subarray(0, wanted);
    this.buffer.copy(next, 0, this.pos);
    for (let filled = left; filled < wanted; ) {
      const { bytesRead } = await this.handle.read(next, filled, wanted - filled, this.fileAt);
      if (bytesRead === 0) throw this.corrupt('shrank while being read');
      this.digest?.update(next.subarray(filled, filled + bytesRead));
      filled += bytesRead;
      this.fileAt += bytesRead;
    }
    this.spare = this.block;
    this.block = block;
    this.buffer = next;
    this.pos = 0;
  }
}

function parseHeader(bytes: Buffer, dim: number, labels: number, corrupt: (why: string) => ShardError): GraphHeader {
  const u64 = (offset: number) => {
    const high = bytes.readUInt32LE(offset + 4);
    return high === 0 ? bytes.readUInt32LE(offset) : Number.MAX_SAFE_INTEGER;
  };
  const header: GraphHeader = {
    offsetLevel0: u64(0),
    maxElements: u64(8),
    count: u64(16),
    sizePerElement: u64(24),
    labelOffset: u64(32),
    offsetData: u64(40),
    maxLevel: bytes.readInt32LE(48),
    enterPoint: bytes.readInt32LE(52),
    maxM: u64(56),
    maxM0: u64(64),
  };
  const level0Bytes = 4 + header.maxM0 * 4;
  const sound =
    header.offsetLevel0 === 0 &&
    header.count === labels &&
    header.maxElements >= labels &&
    header.maxElements <= Math.max(2 * labels, MIN_CAPACITY) && // HnswIndex grows capacity by doubling
    header.maxM0 > 0 &&
    header.maxM0 < 65536 &&
    header.maxM > 0 &&
    header.maxM <= header.maxM0 &&
    header.offsetData === level0Bytes &&
    header.labelOffset === level0Bytes + dim * 4 &&
    header.sizePerElement === header.labelOffset + 8 &&
    header.maxLevel >= (labels === 0 ? -1 : 0) &&
    header.maxLevel < 64 &&
    (labels === 0 ? header.enterPoint === -1 : header.enterPoint >= 0 && header.enterPoint < labels);
  if (!sound) throw corrupt(`is not an hnswlib graph of ${labels} labels of dimension ${dim}`);
  return header;
}

/** A link list: a count no larger than its room, every link naming an element. */
function checkLinks(bytes: Buffer, at: number, room: number, count: number, corrupt: () => ShardError): void {
  const links = bytes.readUInt16LE(at);
  if (links > room) throw corrupt();
  for (let i = 0; i < links; i++) if (bytes.readUInt32LE(at + 4 + i * 4) >= count) throw corrupt();
}
