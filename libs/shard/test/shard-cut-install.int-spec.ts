import { existsSync, promises as fsPromises, readdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Shard, ShardCut, ShardStore } from '../src';
import { copyCut } from '../test-support/cut-copy';
import { points, randomVectors, tempRoot } from '../test-support/fixtures';

const DIM = 8;

describe('cut and install (the data side of backups and restores)', () => {
  const root = tempRoot('cut');
  let store: ShardStore;
  let tenant = 0;
  const cuts: ShardCut[] = [];

  beforeEach(() => {
    store = new ShardStore({ rootDir: root.dir });
  });
  afterEach(async () => {
    cuts.splice(0).forEach((cut) => cut.release());
    await store.closeAll();
  });
  afterAll(() => root.cleanup());

  const newShard = () => store.open(`t${++tenant}`);
  const collectionDir = (shard: Shard, name: string) => path.join(root.dir, shard.tenantId, 'collections', name);

  async function filled(shard: Shard, name: string, count: number, seed = 1): Promise<void> {
    await shard.createCollection({ collection: name, config: { size: DIM, distance: 'Cosine' } });
    const vectors = randomVectors(count, DIM, seed);
    for (let at = 0; at < count; at += 50) {
      await shard.upsert({ collection: name, wait: true, points: points(vectors.slice(at, at + 50), (i) => ({ n: at + i, seed }), at) });
    }
  }

  async function cutOf(shard: Shard, collections: string[] | '*', options?: { checkpointAboveWalBytes?: number }): Promise<ShardCut> {
    const cut = await shard.cut(collections, options);
    cuts.push(cut);
    return cut;
  }

  /** Copies one collection of a cut into a staging dir of `target`. */
  async function stage(target: Shard, cut: ShardCut, name: string): Promise<string> {
    const collection = cut.collections.find((each) => each.name === name)!;
    return copyCut(collection, path.join(await target.stagingDir(), name));
  }

  const everything = (shard: Shard, name: string) => shard.scroll({ collection: name, request: { limit: 100_000, with_vector: true, with_payload: true } });
  const queries = randomVectors(20, DIM, 999);
  const searches = (shard: Shard, name: string) =>
    Promise.all(queries.map((vector) => shard.search({ collection: name, request: { vector, limit: 10, with_payload: true } })));

  it('cuts while a writer keeps writing: the restore holds exactly the writes up to the cut LSN', async () => {
    const source = await newShard();
    await filled(source, 'c', 200);
    await source.checkpoint('c');
    const lsnOf = new Map<number, number>();
    let stop = false;
    const writer = (async () => {
      for (let id = 1000; !stop; id++) {
        const { operation_id } = await source.upsert({ collection: 'c', wait: false, points: points(randomVectors(1, DIM, id), () => ({ id }), id) });
        lsnOf.set(id, operation_id);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const segmentsBefore = (await source.getCollection({ collection: 'c' })).segments_count;
    const cut = await cutOf(source, ['c']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop = true;
    await writer;

    const [c] = cut.collections;
    const expectedIds = [...lsnOf].filter(([, lsn]) => lsn <= c.lsn).map(([id]) => id);
    expect(expectedIds.length).toBeGreaterThan(0);
    expect(lsnOf.size).toBeGreaterThan(expectedIds.length); // writes went on after the cut
    expect(c).toMatchObject({ name: 'c', config: { size: DIM, distance: 'Cosine' }, points: 200 + expectedIds.length });
    expect(c.files.map((file) => file.path)).toEqual(expect.arrayContaining(['config.json', 'manifest.json', expect.stringMatching(/^checkpoint-\d{20}\/graph\.hnsw$/), expect.stringMatching(/^wal\/\d{20}\.wal$/)]));
    // The cut wrote no checkpoint of its own.
    expect(readdirSync(collectionDir(source, 'c')).filter((name) => name.startsWith('checkpoint-'))).toHaveLength(segmentsBefore > 0 ? 1 : 0);

    const target = await newShard();
    const installed = await target.installCollections([{ dir: await stage(target, cut, 'c'), as: 'c' }], { overwrite: false });
    expect(installed).toEqual([{ name: 'c', points: c.points }]);
    const ids = (await everything(target, 'c')).points.map((p) => p.id as number);
    expect(ids).toEqual([...Array.from({ length: 200 }, (_, i) => i), ...expectedIds]);
    expect((await target.getCollection({ collection: 'c' })).lsn).toBe(c.lsn);
    expect(target.loadReport().c).toMatchObject({ loaded_graph: true });
  });

  it('a checkpoint while a cut is held neither breaks the cut nor leaks its files after release', async () => {
    const source = await newShard();
    await filled(source, 'c', 100);
    await source.checkpoint('c');
    await source.upsert({ collection: 'c', wait: true, points: points(randomVectors(5, DIM, 7), () => ({ tail: true }), 500) });
    const cut = await cutOf(source, '*');
    const atCut = await everything(source, 'c');
    const cutCheckpoint = cut.collections[0].files.find((file) => file.path.startsWith('checkpoint-'))!.path.split('/')[0];

    await source.upsert({ collection: 'c', wait: true, points: points(randomVectors(5, DIM, 8), () => ({ after: true }), 600) });
    await source.checkpoint('c');
    expect(existsSync(path.join(collectionDir(source, 'c'), cutCheckpoint))).toBe(true);

    const target = await newShard();
    await target.installCollections([{ dir: await stage(target, cut, 'c'), as: 'c' }], { overwrite: false });
    expect(await everything(target, 'c')).toEqual(atCut);

    cut.release();
    for (let i = 0; i < 50 && existsSync(path.join(collectionDir(source, 'c'), cutCheckpoint)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(path.join(collectionDir(source, 'c'), cutCheckpoint))).toBe(false);
    expect(readdirSync(path.join(collectionDir(source, 'c'), 'wal'))).toHaveLength(1);
  });

  it('cuts held across automatic checkpoints under a steady writer each restore exactly their own LSN', async () => {
    store = new ShardStore({ rootDir: root.dir, checkpointEveryBytes: 8192 });
    const source = await store.open(`t${++tenant}`);
    await source.createCollection({ collection: 'c', config: { size: DIM, distance: 'Euclid' } });
    const lsnOf = new Map<number, number>();
    let stop = false;
    const writer = (async () => {
      for (let id = 0; !stop; id++) {
        const { operation_id } = await source.upsert({ collection: 'c', wait: id % 7 === 0, points: points(randomVectors(3, DIM, id), () => ({ id }), id * 3) });
        lsnOf.set(id, operation_id);
        if (id % 11 === 10) await source.deletePoints({ collection: 'c', wait: false, selector: { points: [(id - 5) * 3] } });
      }
    })();
    const held: ShardCut[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      held.push(await cutOf(source, ['c']));
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop = true;
    await writer;
    expect((await source.getCollection({ collection: 'c' })).segments_count).toBeGreaterThan(0);

    for (const cut of held) {
      const [c] = cut.collections;
      const target = await newShard();
      await target.installCollections([{ dir: await stage(target, cut, 'c'), as: 'c' }], { overwrite: false });
      const restored = await target.getCollection({ collection: 'c' });
      expect({ lsn: restored.lsn, points: restored.points_count }).toEqual({ lsn: c.lsn, points: c.points });
      const newest = Math.max(...[...lsnOf].filter(([, lsn]) => lsn <= c.lsn).map(([id]) => id));
      expect((await target.retrieve({ collection: 'c', ids: [newest * 3, (newest + 1) * 3] })).map((p) => p.id)).toEqual([newest * 3]);
    }
  });

  it('checkpoints first when asked and the WAL tail is larger, so the restore loads a graph instead of replaying', async () => {
    const source = await newShard();
    await filled(source, 'big', 200);
    await filled(source, 'small', 3, 2);
    const plain = await cutOf(source, ['big']);
    expect(plain.collections[0].files.some((f) => f.path.endsWith('graph.hnsw'))).toBe(false);

    const cut = await cutOf(source, '*', { checkpointAboveWalBytes: 4096 });
    const files = (name: string) => cut.collections.find((c) => c.name === name)!.files.map((f) => f.path);
    expect(files('big').some((f) => f.endsWith('graph.hnsw'))).toBe(true);
    expect(files('small').some((f) => f.endsWith('graph.hnsw'))).toBe(false); // 3 records: under the threshold

    const target = await newShard();
    await target.installCollections([{ dir: await stage(target, cut, 'big'), as: 'big' }], { overwrite: false });
    expect(target.loadReport().big).toMatchObject({ loaded_graph: true, replayed_records: 0 });
    expect(await everything(target, 'big')).toEqual(await everything(source, 'big'));
  });

  it('trusts the digests a caller verified while staging, and hashes every file whose digest differs', async () => {
    const source = await newShard();
    await filled(source, 'c', 120);
    await source.checkpoint('c');
    const cut = await cutOf(source, ['c']);
    const files = cut.collections[0].files;
    const verified = Object.fromEntries(files.filter((f) => f.sha256).map((f) => [f.path, f.sha256!]));
    expect(Object.keys(verified).some((p) => p.endsWith('graph.hnsw'))).toBe(true);
    const damagedStage = async (target: Shard) => {
      const dir = await stage(target, cut, 'c');
      const graph = files.find((f) => f.path.endsWith('graph.hnsw'))!;
      const file = path.join(dir, ...graph.path.split('/'));
      const bytes = readFileSync(file);
      bytes[96 + bytes.readUInt32LE(40)] ^= 0x01; // the low bits of the first vector's first float: still a loadable checkpoint
      writeFileSync(file, bytes);
      return dir;
    };

    const target = await newShard();
    // A digest that is not the manifest's is no voucher: the file is hashed and refused.
    const wrong = { ...verified, [Object.keys(verified).find((p) => p.endsWith('graph.hnsw'))!]: '0'.repeat(64) };
    await expect(target.installCollections([{ dir: await damagedStage(target), as: 'c', verifiedDigests: wrong }], { overwrite: false })).rejects.toMatchObject({
      code: 'corrupt',
    });
    // The manifest's own digests, vouched for by the caller, are not checked again.
    const installed = await target.installCollections([{ dir: await damagedStage(target), as: 'c', verifiedDigests: verified }], { overwrite: false });
    expect(installed).toEqual([{ name: 'c', points: 120 }]);
  });

  it('refuses to cut a missing collection, naming it', async () => {
    const shard = await newShard();
    await filled(shard, 'a', 10);
    await expect(shard.cut(['a', 'nope'])).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('nope') });
  });

  it('install: conflict without overwrite (nothing changed), replace with overwrite, survives a restart', async () => {
    const shard = await newShard();
    await filled(shard, 'c', 120, 1);
    const cut = await cutOf(shard, ['c']);
    const atCut = await everything(shard, 'c');
    await shard.deletePoints({ collection: 'c', wait: true, selector: { points: [0, 1, 2] } });
    await shard.upsert({ collection: 'c', wait: true, points: points(randomVectors(3, DIM, 5), () => ({ later: 1 }), 900) });
    const changed = await everything(shard, 'c');

    const staged = await stage(shard, cut, 'c');
    await expect(shard.installCollections([{ dir: staged, as: 'c' }], { overwrite: false })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('c'),
    });
    expect(await everything(shard, 'c')).toEqual(changed);

    await shard.installCollections([{ dir: staged, as: 'c' }], { overwrite: true });
    expect(await everything(shard, 'c')).toEqual(atCut);
    // Writes go on in the restored collection, and the whole survives a restart.
    await shard.upsert({ collection: 'c', wait: true, points: points(randomVectors(1, DIM, 6), () => ({}), 5000) });
    await shard.checkpoint('c');
    const after = await everything(shard, 'c');
    expect(readdirSync(path.dirname(collectionDir(shard, 'c'))).filter((name) => name.startsWith('.'))).toEqual([path.basename(path.dirname(staged))]);
    await store.closeAll();
    store = new ShardStore({ rootDir: root.dir });
    const reopened = await store.open(shard.tenantId);
    expect(await everything(reopened, 'c')).toEqual(after);
    expect(readdirSync(path.dirname(collectionDir(shard, 'c'))).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('installs under a new name beside the original, and answers searches identically to the source at the cut', async () => {
    const shard = await newShard();
    await filled(shard, 'docs', 400, 3);
    await shard.checkpoint('docs');
    await shard.upsert({ collection: 'docs', wait: true, points: points(randomVectors(30, DIM, 4), (i) => ({ tail: i }), 2000) });
    const cut = await cutOf(shard, ['docs']);
    const [atCut, searchedAtCut] = [await everything(shard, 'docs'), await searches(shard, 'docs')];

    expect(await shard.installCollections([{ dir: await stage(shard, cut, 'docs'), as: 'restored_docs' }], { overwrite: false })).toEqual([
      { name: 'restored_docs', points: 430 },
    ]);
    expect(shard.loadReport().restored_docs).toMatchObject({ loaded_graph: true, replayed_records: 1 });
    expect(await everything(shard, 'restored_docs')).toEqual(atCut);
    expect(await searches(shard, 'restored_docs')).toEqual(searchedAtCut);
    expect(await everything(shard, 'docs')).toEqual(atCut);

    await store.closeAll();
    store = new ShardStore({ rootDir: root.dir });
    const reopened = await store.open(shard.tenantId);
    expect((await reopened.listCollections()).map((c) => c.name)).toEqual(['docs', 'restored_docs']);
    expect(await searches(reopened, 'restored_docs')).toEqual(searchedAtCut);
  });

  it.each([
    ['a checkpoint file', (files: string[]) => files.find((f) => f.endsWith('graph.hnsw'))!, 100],
    ['the end of the WAL', (files: string[]) => files.find((f) => f.startsWith('wal/'))!, -3],
  ])('refuses a staged collection with a damaged byte in %s and leaves live data untouched', async (_label, pick, at) => {
    const shard = await newShard();
    await filled(shard, 'c', 100, 1);
    await shard.checkpoint('c');
    await shard.upsert({ collection: 'c', wait: true, points: points(randomVectors(3, DIM, 2), () => ({}), 700) });
    const cut = await cutOf(shard, ['c']);
    await shard.upsert({ collection: 'c', wait: true, points: points(randomVectors(3, DIM, 3), () => ({}), 800) });
    const live = await everything(shard, 'c');
    const liveFiles = readdirSync(collectionDir(shard, 'c'));

    const staged = await stage(shard, cut, 'c');
    const damaged = path.join(staged, ...pick(cut.collections[0].files.map((file) => file.path)).split('/'));
    const bytes = readFileSync(damaged);
    bytes[at < 0 ? bytes.length + at : at] ^= 0xff;
    writeFileSync(damaged, bytes);

    await expect(shard.installCollections([{ dir: staged, as: 'c' }], { overwrite: true })).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringContaining(path.basename(damaged)),
    });
    expect(await everything(shard, 'c')).toEqual(live);
    expect(readdirSync(collectionDir(shard, 'c'))).toEqual(liveFiles);
    await shard.upsert({ collection: 'c', wait: true, points: points(randomVectors(1, DIM, 4), () => ({}), 900) });
    expect(existsSync(staged)).toBe(true); // the caller's to delete
  });

  it('refuses a restore that would pass the plan, counted as after the swap', async () => {
    const shard = await newShard();
    await filled(shard, 'a', 100, 1);
    await filled(shard, 'b', 50, 2);
    const cut = await cutOf(shard, ['a']);
    const stagedA = await stage(shard, cut, 'a');

    await expect(shard.installCollections([{ dir: stagedA, as: 'a2' }], { overwrite: false, max_collections: 2 })).rejects.toMatchObject({
      code: 'quota_exceeded',
      message: expect.stringContaining('3 collections'),
    });
    await expect(shard.installCollections([{ dir: stagedA, as: 'a2' }], { overwrite: false, max_points: 249 })).rejects.toMatchObject({
      code: 'quota_exceeded',
      message: expect.stringContaining('250 points'),
    });
    await expect(shard.installCollections([{ dir: stagedA, as: 'a2' }], { overwrite: false, max_bytes: 1000 })).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    expect((await shard.listCollections()).map((c) => c.name)).toEqual(['a', 'b']);
    // Replacing 'a' adds nothing: it fits a plan the copy beside it would not.
    await shard.installCollections([{ dir: stagedA, as: 'a' }], { overwrite: true, max_collections: 2, max_points: 150 });
    expect((await shard.count({ collection: 'a', request: {} })).count).toBe(100);
  });

  it('a failed swap rolls back: every live collection is served as before and stays writable', async () => {
    const shard = await newShard();
    await filled(shard, 'a', 40, 1);
    await filled(shard, 'b', 40, 2);
    const cut = await cutOf(shard, '*');
    await shard.upsert({ collection: 'a', wait: true, points: points(randomVectors(2, DIM, 9), () => ({}), 100) });
    await shard.upsert({ collection: 'b', wait: true, points: points(randomVectors(2, DIM, 9), () => ({}), 100) });
    const before = [await everything(shard, 'a'), await everything(shard, 'b')];
    const [stagedA, stagedB] = [await stage(shard, cut, 'a'), await stage(shard, cut, 'b')];

    const realRename = fsPromises.rename;
    const rename = jest.spyOn(fsPromises, 'rename').mockImplementation(async (from, to) => {
      if (from === stagedB) throw new Error('EIO: injected rename failure');
      return realRename(from, to);
    });
    try {
      await expect(
        shard.installCollections([{ dir: stagedA, as: 'a' }, { dir: stagedB, as: 'b' }], { overwrite: true }),
      ).rejects.toThrow('injected');
    } finally {
      rename.mockRestore();
    }
    expect([await everything(shard, 'a'), await everything(shard, 'b')]).toEqual(before);
    expect(existsSync(path.join(stagedA, 'config.json'))).toBe(true);
    await shard.upsert({ collection: 'a', wait: true, points: points(randomVectors(1, DIM, 10), () => ({}), 200) });
    expect((await shard.count({ collection: 'a', request: {} })).count).toBe(43);
  });

  it('at open, puts back a collection a crash left moved aside mid-swap', async () => {
    const shard = await newShard();
    await filled(shard, 'c', 30, 1);
    const before = await everything(shard, 'c');
    await store.closeAll();
    renameSync(collectionDir(shard, 'c'), path.join(path.dirname(collectionDir(shard, 'c')), '.replaced-0123456789abcdef-c'));
    store = new ShardStore({ rootDir: root.dir });
    expect(await everything(await store.open(shard.tenantId), 'c')).toEqual(before);
  });
});
