import { promises as fs } from 'fs';
import * as path from 'path';
import { CHECKPOINT_FILES, CHECKPOINT_FORMAT, CheckpointFileEntry, checkpointDirName, CheckpointManifest, MANIFEST_FILE } from './checkpoint-manifest';
import { writeCheckedJson } from './checked-json';
import { fsyncDir, syncAndDigest, writeFileDurably } from './fs-util';
import { HnswIndex } from './hnsw-index';
import { POINT_ID_BYTES, writePointId } from './point-id';
import { PointTable } from './point-table';
import { CollectionConfig } from './types';

const PAYLOAD_CHUNK_BYTES = 1024 * 1024;

export interface CheckpointSource {
  collectionDir: string;
  name: string;
  config: CollectionConfig;
  table: PointTable;
  index: HnswIndex;
  lsn: number;
}

/**
 * Writes the collection's state at `lsn` as a new checkpoint directory, then the
 * manifest that makes it current. The caller holds the write mutex, so nothing
 * changes underneath; every file is fsynced before the manifest names it.
 */
export async function writeCheckpoint(source: CheckpointSource): Promise<CheckpointManifest> {
  const { collectionDir, table, index, config, lsn } = source;
  const directory = checkpointDirName(lsn);
  const dir = path.join(collectionDir, directory);
  await fs.rm(dir, { recursive: true, force: true }); // a leftover of an attempt that crashed
  await fs.mkdir(dir);

  const labels = table.highWater;
  const files: CheckpointFileEntry[] = [];
  const write = async (name: string, chunks: Iterable<Buffer>) => {
    files.push({ name, ...(await writeFileDurably(path.join(dir, name), chunks)) });
  };
  await write(CHECKPOINT_FILES.labels, [labelMap(table)]);
  await write(CHECKPOINT_FILES.versions, [bytesOf(table.versionData())]);
  await write(CHECKPOINT_FILES.payloads, payloadChunks(table));
  const graphFile = path.join(dir, CHECKPOINT_FILES.graph);
  await index.write(graphFile);
  files.push({ name: CHECKPOINT_FILES.graph, ...(await syncAndDigest(graphFile)) });
  await fsyncDir(dir);

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    collection: source.name,
    checkpoint_lsn: lsn,
    directory,
    dim: config.size,
    distance: config.distance,
    labels,
    points_count: table.size,
    files,
    created_at: new Date().toISOString(),
  };
  await writeCheckedJson(path.join(collectionDir, MANIFEST_FILE), manifest);
  return manifest;
}

function bytesOf(array: Float64Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function labelMap(table: PointTable): Buffer {
  const buffer = Buffer.alloc(table.highWater * POINT_ID_BYTES);
  for (let label = 0; label < table.highWater; label++) writePointId(buffer, label * POINT_ID_BYTES, table.idAt(label));
  return buffer;
}

function* payloadChunks(table: PointTable): Iterable<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for (let label = 0; label < table.highWater; label++) {
    const json = table.idAt(label) === undefined ? '' : JSON.stringify(table.payloadAt(label));
    const length = Buffer.allocUnsafe(4);
    const bytes = Buffer.from(json, 'utf8');
    length.writeUInt32LE(bytes.length, 0);
    parts.push(length, bytes);
    size += 4 + bytes.length;
    if (size >= PAYLOAD_CHUNK_BYTES) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0 || table.highWater === 0) yield Buffer.concat(parts);
}
