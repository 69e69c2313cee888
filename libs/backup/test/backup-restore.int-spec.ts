import { randomUUID } from 'crypto';
import { closeSync, createReadStream, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { BackupProgress, deleteBackup, fetchBackup, readManifest, writeBackup } from '@hivehub/backup';
import { Shard, ShardCut } from '@hivehub/shard';
import { keysUnder, readObject, storageDrivers, StorageUnderTest } from '../test-support/storages';
import { fillSource, observe, restore, shardRoot } from '../test-support/shards';

describe.each(storageDrivers)('backup and restore through $name', (driver) => {
  let h: StorageUnderTest;
  const root = shardRoot();
  let source: Shard;
  let tenant = 0;
  const newShard = () => root.store().open(`t${++tenant}-${randomUUID().slice(0, 8)}`);
  const prefixOf = (tenantId: string) => `tenants/${tenantId}/backups/${randomUUID()}`;

  beforeAll(async () => {
    h = await driver.start();
    source = await newShard();
    await fillSource(source);
  });
  afterAll(async () => {
    await root.cleanup();
    await h?.stop();
  });

  async function backUp(collections: string[] | '*' = '*', onProgress?: (p: BackupProgress) => void) {
    const cut = await source.cut(collections);
    const prefix = prefixOf(source.tenantId);
    try {
      const stored = await writeBackup({ storage: h.storage, prefix, cut, tenantId: source.tenantId, backupId: 'b1', onProgress });
      return { prefix, cut, ...stored };
    } finally {
      cut.release();
    }
  }

  it('round trip: points, payloads, vectors and search results identical after restore, graph loaded not rebuilt', async () => {
    const before = { docs: await observe(source, 'docs'), notes: await observe(source, 'notes') };
    const progress: BackupProgress[] = [];
    const { prefix, manifest, manifestSha256, sizeBytes, cut } = await backUp('*', (p) => progress.push(p));

    expect(manifest).toMatchObject({ format: 1, tenant_id: source.tenantId, backup_id: 'b1' });
    expect(manifest.collections.map((c) => [c.name, c.dimension, c.distance, c.points, c.lsn])).toEqual(
      cut.collections.map((c) => [c.name, c.config.size, c.config.distance, c.points, c.lsn]),
    );
    expect(manifest.collections[0].points).toBe(5017);
    expect(sizeBytes).toBeGreaterThan(manifest.total_bytes);
    expect(progress.at(-1)).toEqual({ phase: 'manifest', bytesDone: manifest.total_bytes, bytesTotal: manifest.total_bytes });
    expect(await readManifest(h.storage, prefix, manifestSha256)).toEqual(manifest);

    const target = await newShard();
    expect(await restore(h.storage, prefix, manifest, target)).toEqual([
      { name: 'docs', points: 5017 },
      { name: 'notes', points: 2 },
    ]);
    expect(target.loadReport().docs).toMatchObject({ loaded_graph: true, replayed_records: 2 });
    expect({ docs: await observe(target, 'docs'), notes: await observe(target, 'notes') }).toEqual(before);

    // Under a prefix, beside the originals, in the same shard.
    await restore(h.storage, prefix, manifest, target, { collections: ['notes'], targetPrefix: 'restored_' });
    expect(await observe(target, 'restored_notes')).toEqual(before.notes);
  });

  it('a flipped byte in a stored object: checksum_mismatch naming the file, live data untouched', async () => {
    const { prefix, manifest } = await backUp(['docs']);
    const graph = manifest.collections[0].files.find((f) => f.path.endsWith('graph.hnsw'))!;
    const key = `${prefix}/${manifest.attempt_id}/docs/${graph.path}`;
    const bytes = await readObject(h.storage, key);
    bytes[bytes.length >> 1] ^= 0x01;
    await h.storage.put(key, bytes);

    const target = await newShard();
    await target.createCollection({ collection: 'docs', config: { size: 4, distance: 'Dot' } });
    await target.upsert({ collection: 'docs', wait: true, points: [{ id: 1, vector: [1, 2, 3, 4], payload: { live: true } }] });
    const live = await observe(target, 'docs');
    await expect(restore(h.storage, prefix, manifest, target, { overwrite: true })).rejects.toMatchObject({
      code: 'checksum_mismatch',
      permanent: true,
      message: expect.stringContaining(`docs/${graph.path}`),
    });
    expect(await observe(target, 'docs')).toEqual(live);
  });

  it('refuses to back up a checkpoint file that no longer matches its checkpoint manifest (damage on the source disk)', async () => {
    const shard = await newShard();
    await fillSource(shard);
    const cut = await shard.cut(['docs']);
    try {
      const graph = cut.collections[0].files.find((f) => f.path.endsWith('graph.hnsw'))!;
      expect(graph.sha256).toMatch(/^[0-9a-f]{64}$/);
      const file = path.join(root.dir, shard.tenantId, 'collections', 'docs', ...graph.path.split('/'));
      const fd = openSync(file, 'r+');
      try {
        writeSync(fd, Buffer.from([0x7f]), 0, 1, 1000);
      } finally {
        closeSync(fd);
      }
      const prefix = prefixOf(shard.tenantId);
      await expect(writeBackup({ storage: h.storage, prefix, cut, tenantId: shard.tenantId, backupId: 'b-damaged' })).rejects.toMatchObject({
        code: 'checksum_mismatch',
        permanent: true,
        message: expect.stringContaining('graph.hnsw'),
      });
      expect(await readManifest(h.storage, prefix)).toBeNull();
      expect(await keysUnder(h.storage, prefix)).toEqual([]);
    } finally {
      cut.release();
    }
  });

  it('reads a prefix without manifest as no backup; a damaged manifest is bad_archive', async () => {
    const prefix = prefixOf('nobody');
    await h.storage.put(`${prefix}/attempt-x/docs/config.json`, Buffer.from('{}'));
    expect(await readManifest(h.storage, prefix)).toBeNull();
    await h.storage.put(`${prefix}/manifest.json`, Buffer.from('{"format": 1, "tenant_id": "t", '));
    await expect(readManifest(h.storage, prefix)).rejects.toMatchObject({ code: 'bad_archive', permanent: true });

    const stored = await backUp(['notes']);
    const text = (await readObject(h.storage, `${stored.prefix}/manifest.json`)).toString().replace('"notes"', '"../../x"');
    await h.storage.put(`${stored.prefix}/manifest.json`, Buffer.from(text));
    await expect(readManifest(h.storage, stored.prefix)).rejects.toMatchObject({ code: 'bad_archive' });
    await expect(readManifest(h.storage, stored.prefix, stored.manifestSha256)).rejects.toMatchObject({ code: 'checksum_mismatch' });
  });

  it('a retried backup removes what a dead attempt left; deleteBackup removes everything, manifest first', async () => {
    const cut = await source.cut(['notes']);
    const prefix = prefixOf(source.tenantId);
    try {
      await h.storage.put(`${prefix}/attempt-dead/notes/config.json`, Buffer.from('partial'));
      const { manifest } = await writeBackup({ storage: h.storage, prefix, cut, tenantId: source.tenantId, backupId: 'b2' });
      const keys = await keysUnder(h.storage, `${prefix}/`);
      expect(keys.filter((key) => !key.startsWith(`${prefix}/${manifest.attempt_id}/`))).toEqual([`${prefix}/manifest.json`]);
      expect(keys).toHaveLength(1 + manifest.collections[0].files.length);
    } finally {
      cut.release();
    }
    await deleteBackup(h.storage, prefix);
    expect(await keysUnder(h.storage, `${prefix}/`)).toEqual([]);
    expect(await readManifest(h.storage, prefix)).toBeNull();
  });

  it('cancel mid-write stops within seconds and leaves nothing stored', async () => {
    const real = await source.cut(['docs']);
    // One file trickles (16 KiB every 100 ms: 8 s), so the backup is surely mid-transfer when cancelled.
    const slow = real.collections[0].files.find((f) => f.size > 1024 * 1024)!;
    const cut: ShardCut = {
      ...real,
      collections: [{ ...real.collections[0], files: [{ ...slow, open: () => trickle(slow.size) }] }],
    };
    const prefix = prefixOf(source.tenantId);
    const controller = new AbortController();
    const progress: BackupProgress[] = [];
    try {
      const writing = writeBackup({ storage: h.storage, prefix, cut, tenantId: 't', backupId: 'b3', signal: controller.signal, onProgress: (p) => progress.push(p) });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const started = Date.now();
      controller.abort();
      await expect(writing).rejects.toMatchObject({ code: 'cancelled', permanent: true });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(progress.length).toBeGreaterThanOrEqual(2); // reported at least every second
      expect(progress.at(-1)!.bytesDone).toBeGreaterThan(0);
      expect(await keysUnder(h.storage, `${prefix}/`)).toEqual([]);
    } finally {
      real.release();
    }
  });

  it('streams: backing up and fetching a 300 MB file adds less than 200 MB of memory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hivehub-backup-big-'));
    const size = 300 * 1024 * 1024;
    const file = path.join(dir, 'graph.hnsw');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, size); // sparse: costs no disk to create, reads as zeros
    closeSync(fd);
    const real = await source.cut(['notes']);
    const big = { path: 'checkpoint-00000000000000000001/graph.hnsw', size, open: () => createReadStream(file, { highWaterMark: 1 << 20 }) };
    const cut: ShardCut = { ...real, collections: [{ ...real.collections[0], files: [big] }] };
    const prefix = prefixOf(source.tenantId);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const { manifest } = await writeBackup({ storage: h.storage, prefix, cut, tenantId: 't', backupId: 'big' });
      await fetchBackup({ storage: h.storage, prefix, manifest, collections: ['notes'], intoDir: () => path.join(dir, 'out') });
      expect(manifest.total_bytes).toBe(size);
    } finally {
      clearInterval(sampler);
      real.release();
      rmSync(dir, { recursive: true, force: true });
      await deleteBackup(h.storage, prefix);
    }
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);

  it('fetchBackup refuses a collection the backup does not hold, a missing object, and a cancelled signal', async () => {
    const { prefix, manifest } = await backUp(['notes']);
    const staging = await (await newShard()).stagingDir();
    const fetch = (options: Partial<Parameters<typeof fetchBackup>[0]>) =>
      fetchBackup({ storage: h.storage, prefix, manifest, collections: ['notes'], intoDir: (c) => `${staging}/${Math.random()}/${c}`, ...options });
    await expect(fetch({ collections: ['docs'] })).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('docs') });
    await expect(fetch({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    const wal = manifest.collections[0].files.find((f) => f.path.startsWith('wal/'))!;
    await h.storage.delete(`${prefix}/${manifest.attempt_id}/notes/${wal.path}`);
    await expect(fetch({})).rejects.toMatchObject({ code: 'bad_archive', permanent: true, message: expect.stringContaining(`notes/${wal.path}`) });
  });

  it('backs up a tenant without collections', async () => {
    const empty = await newShard();
    const cut = await empty.cut('*');
    const prefix = prefixOf(empty.tenantId);
    const { manifest } = await writeBackup({ storage: h.storage, prefix, cut, tenantId: empty.tenantId, backupId: 'b0' });
    cut.release();
    expect(manifest).toMatchObject({ collections: [], total_bytes: 0 });
    expect(await readManifest(h.storage, prefix)).toEqual(manifest);
  });
});

function trickle(size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(16 * 1024, size - sent), 1);
      sent += chunk.length;
      setTimeout(() => this.push(chunk), 100);
    },
  });
}
