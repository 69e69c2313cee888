import { createHash, randomUUID } from 'crypto';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { BackupManifest, BackupProgress, verifyBackup, writeBackup } from '@hivehub/backup';
import { Shard } from '@hivehub/shard';
import { readObject, storageDrivers, StorageUnderTest } from '../test-support/storages';
import { DIM, fillSource, shardRoot } from '../test-support/shards';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe.each(storageDrivers)('verifyBackup through $name', (driver) => {
  let h: StorageUnderTest;
  const root = shardRoot();
  const scratchRoot = mkdtempSync(path.join(tmpdir(), 'hivehub-verify-scratch-'));
  let source: Shard;

  beforeAll(async () => {
    h = await driver.start();
    source = await root.store().open(`v-${randomUUID().slice(0, 8)}`);
    await fillSource(source);
  });
  afterAll(async () => {
    await root.cleanup();
    rmSync(scratchRoot, { recursive: true, force: true });
    await h?.stop();
  });

  async function backUp() {
    const cut = await source.cut('*');
    const prefix = `tenants/${source.tenantId}/backups/${randomUUID()}`;
    try {
      const stored = await writeBackup({ storage: h.storage, prefix, cut, tenantId: source.tenantId, backupId: 'b1' });
      return { prefix, manifest: stored.manifest, manifestSha256: stored.manifestSha256 };
    } finally {
      cut.release();
    }
  }

  const scratch = () => path.join(scratchRoot, randomUUID());
  const verify = (prefix: string, expectedManifestSha256: string, scratchDir = scratch(), onProgress?: (p: BackupProgress) => void) =>
    verifyBackup({ storage: h.storage, prefix, expectedManifestSha256, scratchDir, onProgress });
  const objectKey = (prefix: string, manifest: BackupManifest, collection: string, file: string) => `${prefix}/${manifest.attempt_id}/${collection}/${file}`;

  /** Stores an edited manifest as a writer would have (so the recorded sha256 is the new one). */
  async function rewriteManifest(prefix: string, manifest: BackupManifest): Promise<string> {
    manifest.total_bytes = manifest.collections.reduce((sum, c) => sum + c.files.reduce((s, f) => s + f.size, 0), 0);
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await h.storage.put(`${prefix}/manifest.json`, bytes);
    return sha256(bytes);
  }

  /** Replaces a stored object and records its new size and sha256 in the backup's manifest. */
  async function replaceObject(prefix: string, manifest: BackupManifest, collection: string, file: string, bytes: Buffer) {
    await h.storage.put(objectKey(prefix, manifest, collection, file), bytes);
    const entry = manifest.collections.find((c) => c.name === collection)!.files.find((f) => f.path === file)!;
    Object.assign(entry, { size: bytes.length, sha256: sha256(bytes) });
  }

  it('a good backup verifies: every collection loaded, counted and searched; the scratch dir is gone', async () => {
    const { prefix, manifestSha256 } = await backUp();
    const dir = scratch();
    const phases: string[] = [];
    const result = await verify(prefix, manifestSha256, dir, (p) => phases.push(p.phase));
    expect(result).toEqual({
      ok: true,
      checked: {
        files: expect.any(Number),
        bytes: expect.any(Number),
        collections: [
          { name: 'docs', points: 5017, searches: 3 },
          { name: 'notes', points: 2, searches: 2 },
        ],
      },
    });
    expect(phases).toEqual(expect.arrayContaining(['download', 'loading', 'checking']));
    expect(existsSync(dir)).toBe(false);
  });

  it('verifies Euclid collections, empty collections and a tenant without collections', async () => {
    const shard = await root.store().open(`e-${randomUUID().slice(0, 8)}`);
    const empty = await shard.cut('*');
    const emptyPrefix = `tenants/${shard.tenantId}/backups/${randomUUID()}`;
    try {
      const stored = await writeBackup({ storage: h.storage, prefix: emptyPrefix, cut: empty, tenantId: shard.tenantId, backupId: 'b0' });
      await expect(verify(emptyPrefix, stored.manifestSha256)).resolves.toEqual({ ok: true, checked: { files: 0, bytes: 0, collections: [] } });
    } finally {
      empty.release();
    }
    await shard.createCollection({ collection: 'places', config: { size: 3, distance: 'Euclid' } });
    await shard.upsert({ collection: 'places', wait: true, points: Array.from({ length: 50 }, (_, i) => ({ id: i, vector: [i, i % 7, -i / 3] })) });
    await shard.createCollection({ collection: 'nothing', config: { size: 8, distance: 'Cosine' } });
    const cut = await shard.cut('*');
    const prefix = `tenants/${shard.tenantId}/backups/${randomUUID()}`;
    try {
      const stored = await writeBackup({ storage: h.storage, prefix, cut, tenantId: shard.tenantId, backupId: 'b1' });
      await expect(verify(prefix, stored.manifestSha256)).resolves.toEqual({
        ok: true,
        checked: { files: expect.any(Number), bytes: expect.any(Number), collections: [{ name: 'nothing', points: 0, searches: 0 }, { name: 'places', points: 50, searches: 3 }] },
      });
    } finally {
      cut.release();
    }
  });

  it('a flipped byte in a data object is checksum_mismatch naming the file', async () => {
    const { prefix, manifest, manifestSha256 } = await backUp();
    const graph = manifest.collections[0].files.find((f) => f.path.endsWith('graph.hnsw'))!;
    const key = objectKey(prefix, manifest, 'docs', graph.path);
    const bytes = await readObject(h.storage, key);
    bytes[bytes.length >> 1] ^= 0x01;
    await h.storage.put(key, bytes);
    const dir = scratch();
    await expect(verify(prefix, manifestSha256, dir)).resolves.toEqual({
      ok: false,
      code: 'checksum_mismatch',
      message: expect.stringContaining(`docs/${graph.path}`),
    });
    expect(existsSync(dir)).toBe(false);
  });

  it('a manifest changed after it was written is checksum_mismatch, even when it still parses', async () => {
    const { prefix, manifest, manifestSha256 } = await backUp();
    manifest.created_at = new Date(0).toISOString();
    await rewriteManifest(prefix, manifest);
    await expect(verify(prefix, manifestSha256)).resolves.toMatchObject({ ok: false, code: 'checksum_mismatch', message: expect.stringContaining('manifest.json') });
  });

  it('a missing manifest or object is missing; an unparseable manifest is bad_archive', async () => {
    const { prefix, manifest, manifestSha256 } = await backUp();
    const wal = manifest.collections[1].files.find((f) => f.path.startsWith('wal/'))!;
    await h.storage.delete(objectKey(prefix, manifest, 'notes', wal.path));
    await expect(verify(prefix, manifestSha256)).resolves.toMatchObject({ ok: false, code: 'missing', message: expect.stringContaining(`notes/${wal.path}`) });

    const garbage = Buffer.from('{"format": 1, ');
    await h.storage.put(`${prefix}/manifest.json`, garbage);
    await expect(verify(prefix, sha256(garbage))).resolves.toMatchObject({ ok: false, code: 'bad_archive' });
    await h.storage.delete(`${prefix}/manifest.json`);
    await expect(verify(prefix, manifestSha256)).resolves.toMatchObject({ ok: false, code: 'missing' });
  });

  it('a manifest that miscounts points, written with a valid checksum, is count_mismatch', async () => {
    const { prefix, manifest } = await backUp();
    manifest.collections[1].points += 1;
    const recorded = await rewriteManifest(prefix, manifest);
    await expect(verify(prefix, recorded)).resolves.toMatchObject({ ok: false, code: 'count_mismatch', message: expect.stringContaining('notes') });
  });

  it('vectors swapped between points, with every checksum recomputed, are caught by the searches', async () => {
    const { prefix, manifest } = await backUp();
    const docs = manifest.collections[0];
    const graphFile = docs.files.find((f) => f.path.endsWith('graph.hnsw'))!;
    // Rotate the vectors by one element (hnswlib's level-0 records: 96-byte header, then
    // per element `size` bytes with the vector at `data`): each label now holds its
    // neighbour's (valid, normalised) vector, the links are untouched.
    const rotated = await readObject(h.storage, objectKey(prefix, manifest, 'docs', graphFile.path));
    const [count, size, data, row] = [rotated.readUInt32LE(16), rotated.readUInt32LE(24), rotated.readUInt32LE(40), DIM * 4];
    const vectorAt = (i: number) => 96 + i * size + data;
    const first = Buffer.from(rotated.subarray(vectorAt(0), vectorAt(0) + row));
    for (let i = 0; i < count - 1; i++) rotated.copy(rotated, vectorAt(i), vectorAt(i + 1), vectorAt(i + 1) + row);
    first.copy(rotated, vectorAt(count - 1));
    await replaceObject(prefix, manifest, 'docs', graphFile.path, rotated);
    // The shard's own checkpoint manifest (checked JSON) is made to agree, as a careful forger would.
    const shardManifest = JSON.parse((await readObject(h.storage, objectKey(prefix, manifest, 'docs', 'manifest.json'))).toString()) as Record<string, unknown>;
    delete shardManifest.sha256;
    const entry = (shardManifest.files as { name: string; size: number; sha256: string }[]).find((f) => f.name === 'graph.hnsw')!;
    entry.sha256 = sha256(rotated);
    const body = JSON.stringify(shardManifest);
    await replaceObject(prefix, manifest, 'docs', 'manifest.json', Buffer.from(`${JSON.stringify({ ...shardManifest, sha256: sha256(body) }, null, 2)}\n`));
    const recorded = await rewriteManifest(prefix, manifest);

    await expect(verify(prefix, recorded)).resolves.toMatchObject({ ok: false, code: 'search_mismatch', message: expect.stringContaining('docs: point') });
  });

  it('a checkpoint file replaced without updating the shard manifest does not load: bad_archive', async () => {
    const { prefix, manifest } = await backUp();
    const payloads = manifest.collections[0].files.find((f) => f.path.endsWith('payloads.bin'))!;
    const bytes = await readObject(h.storage, objectKey(prefix, manifest, 'docs', payloads.path));
    bytes[bytes.length - 2] ^= 0x01;
    await replaceObject(prefix, manifest, 'docs', payloads.path, bytes);
    const recorded = await rewriteManifest(prefix, manifest);
    await expect(verify(prefix, recorded)).resolves.toMatchObject({ ok: false, code: 'bad_archive', message: expect.stringContaining('payloads.bin') });
  });

  it('an aborted signal throws cancelled and removes the scratch dir', async () => {
    const { prefix, manifestSha256 } = await backUp();
    const dir = scratch();
    const signal = AbortSignal.abort();
    await expect(verifyBackup({ storage: h.storage, prefix, expectedManifestSha256: manifestSha256, scratchDir: dir, signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(dir)).toBe(false);
  });

  it('storage trouble throws (the job retries) and still removes the scratch dir', async () => {
    const { prefix, manifestSha256 } = await backUp();
    const broken = { ...h.storage, description: 'broken', get: async () => Promise.reject(new Error('ECONNRESET')), list: h.storage.list.bind(h.storage) };
    const dir = scratch();
    await expect(verifyBackup({ storage: broken as never, prefix, expectedManifestSha256: manifestSha256, scratchDir: dir })).rejects.toMatchObject({
      code: 'storage',
      permanent: false,
    });
    expect(existsSync(dir)).toBe(false);
  });
});
