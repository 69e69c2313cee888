import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { CHECKPOINT_DIR_PATTERN, CHECKPOINT_FILES, CHECKPOINT_FORMAT, CheckpointFileEntry, CheckpointManifest, LEGACY_CHECKPOINT_FORMAT } from './checkpoint-manifest';
import { readGraphFile } from './graph-file';
import { digestFile, sha256 } from './fs-util';
import { HnswIndex } from './hnsw-index';
import { EMPTY_PAYLOAD, parseStoredPayload } from './payload';
import { POINT_ID_BYTES, readPointId } from './point-id';
import { PointTable } from './point-table';
import { CollectionConfig, Payload, PointId, ShardError } from './types';

/**
 * Loads a checkpoint after proving it is the one the manifest describes: every
 * file's size and sha256 must match before any of it is used (hnswlib would
 * happily load, or crash on, a damaged graph). The graph is read, never rebuilt.
 * A file listed in `verifiedDigests` with the manifest's own digest was checked
 * against it by the caller as it was written (a restore): only its size is checked.
 */
export async function loadCheckpoint(
  collectionDir: string,
  manifest: CheckpointManifest,
  config: CollectionConfig,
  verifiedDigests: Record<string, string> = {},
): Promise<{ table: PointTable; index: HnswIndex }> {
  assertManifestShape(manifest, config, collectionDir);
  const dir = path.join(collectionDir, manifest.directory);
  const entry = (name: string): CheckpointFileEntry & { verified: boolean } => {
    const found = manifest.files.find((file) => file.name === name);
    if (!found) throw new ShardError('corrupt', `${collectionDir}: manifest does not list ${name}`);
    return { ...found, verified: verifiedDigests[`${manifest.directory}/${name}`] === found.sha256 };
  };
  const labels = manifest.labels;
  const dim = config.size;
  const labelBytes = await readVerified(dir, entry(CHECKPOINT_FILES.labels));
  // Versions are read straight into the array the table keeps (no transient copy).
  const versions = new Float64Array(labels);
  await readVerifiedInto(dir, entry(CHECKPOINT_FILES.versions), new Uint8Array(versions.buffer));
  const payloadBytes = await readVerified(dir, entry(CHECKPOINT_FILES.payloads));
  if (manifest.format === LEGACY_CHECKPOINT_FORMAT) {
    // Format 1 kept the vectors a second time: still checked, no longer used (the graph has them).
    const vectorsFile = path.join(dir, CHECKPOINT_FILES.vectors);
    const vectorsEntry = entry(CHECKPOINT_FILES.vectors);
    await verifyDigest(vectorsFile, vectorsEntry, vectorsEntry.verified ? await sizeOrCorrupt(vectorsFile, vectorsEntry.sha256) : await digestOrCorrupt(vectorsFile));
  }
  // One pass over the graph before hnswlib reads it: its digest and its structure
  // (hnswlib would crash on, or over-allocate for, a malformed file).
  const graphFile = path.join(dir, CHECKPOINT_FILES.graph);
  const graphEntry = entry(CHECKPOINT_FILES.graph);
  const graphRead = await readGraphFile(graphFile, dim, labels, !graphEntry.verified);
  await verifyDigest(graphFile, graphEntry, { size: graphRead.size, sha256: graphRead.sha256 ?? graphEntry.sha256 });
  expectSize(dir, CHECKPOINT_FILES.labels, labelBytes, labels * POINT_ID_BYTES);

  const labelsFile = path.join(dir, CHECKPOINT_FILES.labels);
  const ids: (PointId | undefined)[] = new Array(labels);
  for (let label = 0; label < labels; label++) ids[label] = readPointId(labelBytes, label * POINT_ID_BYTES, labelsFile);
  const { payloads, lengths: payloadLengths } = readPayloads(payloadBytes, ids, path.join(dir, CHECKPOINT_FILES.payloads));

  const table = PointTable.restore(dim, ids, payloads, payloadLengths, versions);
  if (table.size !== manifest.points_count) {
    throw new ShardError('corrupt', `${labelsFile}: holds ${table.size} points, manifest says ${manifest.points_count}`);
  }
  let index: HnswIndex;
  try {
    index = await HnswIndex.load(graphFile, dim, config.distance);
  } catch (error) {
    throw new ShardError('corrupt', `${graphFile}: hnswlib cannot load it: ${(error as Error).message}`);
  }
  if (index.labelCount !== labels) {
    throw new ShardError('corrupt', `${graphFile}: holds ${index.labelCount} labels, manifest says ${labels}`);
  }
  return { table, index };
}

function assertManifestShape(manifest: CheckpointManifest, config: CollectionConfig, where: string): void {
  const ok =
    (manifest.format === CHECKPOINT_FORMAT || manifest.format === LEGACY_CHECKPOINT_FORMAT) &&
    typeof manifest.directory === 'string' &&
    CHECKPOINT_DIR_PATTERN.test(manifest.directory) &&
    Number.isSafeInteger(manifest.checkpoint_lsn) &&
    Number.isSafeInteger(manifest.labels) &&
    manifest.labels >= 0 &&
    Array.isArray(manifest.files);
  if (!ok) throw new ShardError('corrupt', `${where}: manifest.json is not a checkpoint manifest this engine understands`);
  if (manifest.dim !== config.size || manifest.distance !== config.distance) {
    throw new ShardError('corrupt', `${where}: manifest (${manifest.dim}, ${manifest.distance}) contradicts config.json`);
  }
}

async function readVerified(dir: string, entry: CheckpointFileEntry & { verified: boolean }): Promise<Buffer> {
  const file = path.join(dir, entry.name);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new ShardError('corrupt', `checkpoint file ${file} cannot be read: ${(error as Error).message}`);
  }
  await verifyDigest(file, entry, { size: bytes.length, sha256: entry.verified ? entry.sha256 : sha256(bytes) });
  return bytes;
}

const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** Fills `target` with the file (whose size must be exactly the target's), verified against the manifest. */
async function readVerifiedInto(dir: string, entry: CheckpointFileEntry & { verified: boolean }, target: Uint8Array): Promise<void> {
  const file = path.join(dir, entry.name);
  const hash = entry.verified ? null : createHash('sha256');
  let size: number;
  try {
    const handle = await fs.open(file, 'r');
    try {
      size = (await handle.stat()).size;
      if (size !== target.byteLength) throw new ShardError('corrupt', `${file}: ${size} bytes, expected ${target.byteLength}`);
      for (let filled = 0; filled < size; ) {
        const { bytesRead } = await handle.read(target, filled, Math.min(READ_CHUNK_BYTES, size - filled), filled);
        if (bytesRead === 0) throw new Error('the file shrank while being read');
        hash?.update(target.subarray(filled, filled + bytesRead));
        filled += bytesRead;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof ShardError) throw error;
    throw new ShardError('corrupt', `checkpoint file ${file} cannot be read: ${(error as Error).message}`);
  }
  await verifyDigest(file, entry, { size, sha256: hash ? hash.digest('hex') : entry.sha256 });
}

/** A file the caller verified: its size, with the digest it was verified against. */
async function sizeOrCorrupt(file: string, sha256: string): Promise<{ size: number; sha256: string }> {
  try {
    return { size: (await fs.stat(file)).size, sha256 };
  } catch (error) {
    throw new ShardError('corrupt', `checkpoint file ${file} cannot be read: ${(error as Error).message}`);
  }
}

async function digestOrCorrupt(file: string): Promise<{ size: number; sha256: string }> {
  try {
    return await digestFile(file);
  } catch (error) {
    throw new ShardError('corrupt', `checkpoint file ${file} cannot be read: ${(error as Error).message}`);
  }
}

async function verifyDigest(file: string, entry: CheckpointFileEntry, actual: { size: number; sha256: string }): Promise<void> {
  if (actual.size !== entry.size || actual.sha256 !== entry.sha256) {
    throw new ShardError('corrupt', `checkpoint file ${file} does not match its manifest (size ${actual.size} vs ${entry.size}, sha256 mismatch)`);
  }
}

function expectSize(dir: string, name: string, bytes: Buffer, expected: number): void {
  if (bytes.length !== expected) throw new ShardError('corrupt', `${path.join(dir, name)}: ${bytes.length} bytes, expected ${expected}`);
}

/** Parsed payloads and their stored UTF-8 JSON lengths (0 for free labels), by label. */
function readPayloads(bytes: Buffer, ids: (PointId | undefined)[], file: string): { payloads: Payload[]; lengths: number[] } {
  const payloads: Payload[] = new Array(ids.length);
  const lengths: number[] = new Array(ids.length);
  let at = 0;
  for (let label = 0; label < ids.length; label++) {
    if (at + 4 > bytes.length) throw new ShardError('corrupt', `${file}: ends before label ${label}`);
    const length = bytes.readUInt32LE(at);
    const end = at + 4 + length;
    if (end > bytes.length) throw new ShardError('corrupt', `${file}: ends inside label ${label}`);
    lengths[label] = length;
    if (ids[label] !== undefined) {
      try {
        payloads[label] = parseStoredPayload(bytes.toString('utf8', at + 4, end));
      } catch {
        throw new ShardError('corrupt', `${file}: payload of label ${label} is not JSON`);
      }
    } else if (length !== 0) {
      throw new ShardError('corrupt', `${file}: free label ${label} has a payload`);
    } else {
      payloads[label] = EMPTY_PAYLOAD;
    }
    at = end;
  }
  if (at !== bytes.length) throw new ShardError('corrupt', `${file}: ${bytes.length - at} stray bytes at the end`);
  return { payloads, lengths };
}
