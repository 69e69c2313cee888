import { existsSync } from 'fs';
import * as path from 'path';
import { ShardError, ShardStore } from '../src';
import { tempRoot } from '../test-support/fixtures';

describe('ShardStore and collections', () => {
  const root = tempRoot('collections');
  let store: ShardStore;

  beforeEach(() => {
    store = new ShardStore({ rootDir: root.dir });
  });
  afterEach(() => store.closeAll());
  afterAll(() => root.cleanup());

  it('creates, lists, gets and deletes collections, durably across a reopen', async () => {
    const shard = await store.open('crud');
    const info = await shard.createCollection({ collection: 'docs', config: { size: 4, distance: 'Dot', hnsw: { m: 8 } } });
    expect(info).toEqual({
      name: 'docs',
      status: 'green',
      config: { size: 4, distance: 'Dot', hnsw: { m: 8, ef_construct: 100, ef: 64 } },
      points_count: 0,
      stored_bytes: 0,
      lsn: 0,
      segments_count: 0,
    });
    await shard.createCollection({ collection: 'another', config: { size: 2, distance: 'Euclid' } });
    expect((await shard.listCollections({})).map((c) => c.name)).toEqual(['another', 'docs']);

    await store.closeAll();
    store = new ShardStore({ rootDir: root.dir });
    const reopened = await store.open('crud');
    expect(await reopened.getCollection({ collection: 'docs' })).toEqual(info);
    expect(await reopened.deleteCollection({ collection: 'docs' })).toEqual({ deleted: true });
    expect(await reopened.deleteCollection({ collection: 'docs' })).toEqual({ deleted: false });
    await expect(reopened.getCollection({ collection: 'docs' })).rejects.toMatchObject({ code: 'not_found' });
    expect(existsSync(path.join(root.dir, 'crud', 'collections', 'docs'))).toBe(false);

    await store.closeAll();
    store = new ShardStore({ rootDir: root.dir });
    const third = await store.open('crud');
    expect((await third.listCollections({})).map((c) => c.name)).toEqual(['another']);
    // A new collection under a deleted name starts empty.
    expect(await third.createCollection({ collection: 'docs', config: { size: 4, distance: 'Dot' } })).toMatchObject({ points_count: 0, lsn: 0 });
  });

  it('refuses a duplicate name (conflict) and names, sizes, distances and hnsw params out of range (bad_request)', async () => {
    const shard = await store.open('validation');
    await shard.createCollection({ collection: 'c', config: { size: 3, distance: 'Cosine' } });
    await expect(shard.createCollection({ collection: 'c', config: { size: 3, distance: 'Cosine' } })).rejects.toMatchObject({ code: 'conflict' });
    const bad: [string, unknown][] = [
      ['../etc', { size: 3, distance: 'Cosine' }],
      ['a.b', { size: 3, distance: 'Cosine' }],
      ['x'.repeat(256), { size: 3, distance: 'Cosine' }],
      ['ok', { size: 0, distance: 'Cosine' }],
      ['ok', { size: 65537, distance: 'Cosine' }],
      ['ok', { size: 2.5, distance: 'Cosine' }],
      ['ok', { size: 3, distance: 'Manhattan' }],
      ['ok', { size: 3, distance: 'Cosine', hnsw: { m: 1 } }],
      ['ok', { size: 3, distance: 'Cosine', hnsw: { ef_construct: 100000 } }],
      ['ok', { size: 3, distance: 'Cosine', hnsw: { full_scan_threshold: 10 } }],
    ];
    for (const [collection, config] of bad) {
      await expect(shard.createCollection({ collection, config: config as never })).rejects.toMatchObject({ code: 'bad_request' });
    }
    expect((await shard.listCollections({})).map((c) => c.name)).toEqual(['c']);
  });

  it('enforces max_collections', async () => {
    const shard = await store.open('quota');
    await shard.createCollection({ collection: 'one', config: { size: 2, distance: 'Dot' }, max_collections: 2 });
    await shard.createCollection({ collection: 'two', config: { size: 2, distance: 'Dot' }, max_collections: 2 });
    await expect(shard.createCollection({ collection: 'three', config: { size: 2, distance: 'Dot' }, max_collections: 2 })).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    expect(await shard.listCollections({})).toHaveLength(2);
  });

  it('shares one open per tenant, lists tenants on disk, and refuses unsafe tenant ids', async () => {
    const [a, b] = await Promise.all([store.open('tenant-a'), store.open('tenant-a')]);
    expect(a).toBe(b);
    await store.open('tenant_b');
    expect(await store.tenants()).toEqual(expect.arrayContaining(['tenant-a', 'tenant_b']));
    for (const tenantId of ['../x', 'a/b', '', 'x'.repeat(65), '.hidden']) {
      await expect(store.open(tenantId)).rejects.toBeInstanceOf(ShardError);
    }
    expect(await store.tenants()).toEqual(['closing', 'crud', 'locked', 'quota', 'tenant-a', 'tenant_b', 'validation'].filter((t) => existsSync(path.join(root.dir, t))));
  });

  it('refuses a second open of the same directory while the first is live', async () => {
    await store.open('locked');
    const other = new ShardStore({ rootDir: root.dir });
    await expect(other.open('locked')).rejects.toMatchObject({ code: 'conflict' });
    await store.close('locked');
    await expect(other.open('locked')).resolves.toBeDefined();
    await other.closeAll();
  });

  it('answers closed after close, and a new open serves the data again', async () => {
    const shard = await store.open('closing');
    await shard.createCollection({ collection: 'c', config: { size: 2, distance: 'Euclid' } });
    await shard.close();
    await expect(shard.listCollections({})).rejects.toMatchObject({ code: 'closed' });
    const again = await store.open('closing');
    expect(again).not.toBe(shard);
    expect((await again.listCollections({})).map((c) => c.name)).toEqual(['c']);
  });
});
