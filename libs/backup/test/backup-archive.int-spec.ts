import { randomUUID } from 'crypto';
import { Readable } from 'stream';
import { archiveStream, BackupManifest, importArchive, readManifest, writeBackup } from '@hivehub/backup';
import { Shard } from '@hivehub/shard';
import { keysUnder, readObject, storageDrivers, StorageUnderTest } from '../test-support/storages';
import { fillSource, observe, restore, shardRoot } from '../test-support/shards';
import { readTarGz, TarEntry, writeTarGz } from '../test-support/tar-fixtures';

describe.each(storageDrivers)('backup.tar.gz download and upload through $name', (driver) => {
  let h: StorageUnderTest;
  const root = shardRoot();
  let source: Shard;
  let original: { prefix: string; manifest: BackupManifest };
  let archive: Buffer;
  let entries: TarEntry[];
  const prefixOf = (tenantId: string) => `tenants/${tenantId}/backups/${randomUUID()}`;

  beforeAll(async () => {
    h = await driver.start();
    source = await root.store().open('owner');
    await fillSource(source);
    const cut = await source.cut('*');
    const prefix = prefixOf('owner');
    try {
      const { manifest } = await writeBackup({ storage: h.storage, prefix, cut, tenantId: 'owner', backupId: 'b-owner' });
      original = { prefix, manifest };
    } finally {
      cut.release();
    }
    archive = Buffer.concat(await Readable.from(archiveStream(h.storage, prefix)).toArray());
    entries = await readTarGz(archive);
  });
  afterAll(async () => {
    await root.cleanup();
    await h?.stop();
  });

  const upload = (body: Buffer, prefix: string, maxBytes?: number) =>
    importArchive({ stream: Readable.from([body]), storage: h.storage, prefix, tenantId: 'uploader', backupId: 'b-up', maxBytes });

  it('holds manifest.json first, then every file as <collection>/<path>', () => {
    const { manifest } = original;
    expect(entries[0].name).toBe('manifest.json');
    const archived = JSON.parse(entries[0].body.toString());
    expect(archived).toMatchObject({ format: 1, tenant_id: 'owner', backup_id: 'b-owner', total_bytes: manifest.total_bytes });
    expect(archived.attempt_id).toBeUndefined();
    expect(entries.slice(1).map((e) => e.name)).toEqual(manifest.collections.flatMap((c) => c.files.map((f) => `${c.name}/${f.path}`)));
  });

  it('imports as another tenant: the backup is the uploader\'s and restores identical data', async () => {
    const prefix = prefixOf('uploader');
    const stored = await upload(archive, prefix);
    expect(stored.manifest).toMatchObject({ tenant_id: 'uploader', backup_id: 'b-up' });
    expect(stored.manifest.collections).toEqual(original.manifest.collections);
    expect(await readManifest(h.storage, prefix, stored.manifestSha256)).toEqual(stored.manifest);

    const target = await root.store().open('uploader');
    await restore(h.storage, prefix, stored.manifest, target);
    expect(await observe(target, 'docs')).toEqual(await observe(source, 'docs'));
    expect(await observe(target, 'notes')).toEqual(await observe(source, 'notes'));
  });

  const flipped = (at: number) =>
    entries.map((e, i) => {
      if (i !== at) return e;
      const body = Buffer.from(e.body);
      body[body.length >> 1] ^= 0x01;
      return { ...e, body };
    });
  const manifestEdited = (edit: (m: Record<string, any>) => void) => {
    const manifest = JSON.parse(entries[0].body.toString());
    edit(manifest);
    return [{ name: 'manifest.json', body: Buffer.from(JSON.stringify(manifest)) }, ...entries.slice(1)];
  };

  it.each([
    ['a flipped byte in a data file', () => flipped(3), 'checksum_mismatch'],
    // Depending on where it lands, the manifest no longer parses or no longer matches the files.
    ['a flipped byte in the manifest', () => flipped(0), expect.stringMatching(/^(bad_archive|checksum_mismatch)$/)],
    ['a file the manifest does not list', () => [...entries, { name: 'docs/wal/evil.sh', body: Buffer.from('x') }], 'bad_archive'],
    ['a path that escapes', () => [...entries, { name: '../../etc/cron.d/x', body: Buffer.from('x') }], 'bad_archive'],
    ['a manifest naming a path that escapes', () => manifestEdited((m) => (m.collections[0].files[0].path = '../../../x')), 'bad_archive'],
    ['a symlink', () => [...entries, { name: 'docs/config.json', body: Buffer.alloc(0), type: 'symlink' as const }], 'bad_archive'],
    ['a missing file', () => entries.slice(0, -1), 'bad_archive'],
    ['a file twice', () => [...entries, entries[1]], 'bad_archive'],
    ['the manifest not first', () => [entries[1], entries[0], ...entries.slice(2)], 'bad_archive'],
    ['another format version', () => manifestEdited((m) => (m.format = 2)), 'bad_archive'],
  ])('refuses %s and leaves nothing stored', async (_label, make, code) => {
    const prefix = prefixOf('uploader');
    await expect(upload(await writeTarGz(make()), prefix)).rejects.toMatchObject({ code, permanent: true });
    expect(await keysUnder(h.storage, `${prefix}/`)).toEqual([]);
  });

  it('refuses what is not a gzip-compressed tar, a truncated archive, and one over maxBytes', async () => {
    const prefix = prefixOf('uploader');
    await expect(upload(Buffer.from('hello, not an archive'), prefix)).rejects.toMatchObject({ code: 'bad_archive' });
    await expect(upload(archive.subarray(0, archive.length >> 1), prefix)).rejects.toMatchObject({ code: 'bad_archive' });
    await expect(upload(archive, prefix, 1000)).rejects.toMatchObject({ code: 'too_large', permanent: true });
    expect(await keysUnder(h.storage, `${prefix}/`)).toEqual([]);
  });

  it('a download of a damaged or missing backup fails the stream instead of ending it as if complete', async () => {
    const file = original.manifest.collections[1].files[0];
    const copy = prefixOf('owner');
    for (const key of await keysUnder(h.storage, `${original.prefix}/`)) {
      await h.storage.put(key.replace(original.prefix, copy), await readObject(h.storage, key));
    }
    const key = `${copy}/${original.manifest.attempt_id}/${original.manifest.collections[1].name}/${file.path}`;
    const bytes = await readObject(h.storage, key);
    bytes[0] ^= 0x01;
    await h.storage.put(key, bytes);
    await expect(Readable.from(archiveStream(h.storage, copy)).toArray()).rejects.toMatchObject({ code: 'checksum_mismatch' });
    await expect(Readable.from(archiveStream(h.storage, prefixOf('owner'))).toArray()).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a reader that goes away mid-download stops the archive without errors escaping', async () => {
    const stream = archiveStream(h.storage, original.prefix) as Readable;
    const errors: Error[] = [];
    stream.on('error', (error) => errors.push(error));
    await new Promise((resolve) => stream.once('readable', resolve));
    stream.read();
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.destroyed).toBe(true);
    expect(errors).toEqual([]);
    // The same backup downloads whole afterwards.
    expect((await readTarGz(Buffer.concat(await Readable.from(archiveStream(h.storage, original.prefix)).toArray()))).map((e) => e.name)).toEqual(entries.map((e) => e.name));
  });
});
