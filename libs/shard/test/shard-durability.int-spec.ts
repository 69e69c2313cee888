import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'fs';
import { promises as fsPromises } from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { Shard, ShardStore } from '../src';
import { writeCheckedJson } from '../src/checked-json';
import { HnswIndex } from '../src/hnsw-index';
import { points, randomVectors, tempRoot } from '../test-support/fixtures';

const DIM = 8;

describe('durability: WAL, checkpoints, restart', () => {
  const root = tempRoot('durability');
  let store: ShardStore;
  let tenant = 0;

  afterEach(() => store?.closeAll());
  afterAll(() => root.cleanup());

  const collectionDir = (tenantId: string) => path.join(root.dir, tenantId, 'collections', 'c');
  const walFiles = (tenantId: string) =>
    readdirSync(path.join(collectionDir(tenantId), 'wal'))
      .sort()
      .map((name) => path.join(collectionDir(tenantId), 'wal', name));

  async function freshShard(options: { checkpointEveryBytes?: number } = {}): Promise<{ shard: Shard; tenantId: string }> {
    const tenantId = `t${++tenant}`;
    store = new ShardStore({ rootDir: root.dir, ...options });
    const shard = await store.open(tenantId);
    await shard.createCollection({ collection: 'c', config: { size: DIM, distance: 'Cosine' } });
    return { shard, tenantId };
  }

  async function reopen(tenantId: string, options: { checkpointEveryBytes?: number } = {}): Promise<Shard> {
    await store.closeAll();
    store = new ShardStore({ rootDir: root.dir, ...options });
    return store.open(tenantId);
  }

  /** Writes `batches` records of 10 points each; returns the WAL size after each record. */
  async function writeBatches(shard: Shard, tenantId: string, batches: number, firstId = 0): Promise<number[]> {
    const sizes: number[] = [];
    for (let b = 0; b < batches; b++) {
      const vectors = randomVectors(10, DIM, firstId + b);
      await shard.upsert({ collection: 'c', wait: true, points: points(vectors, (i) => ({ batch: b, i }), firstId + b * 10) });
      sizes.push(statSync(walFiles(tenantId).at(-1)!).size);
    }
    return sizes;
  }

  const snapshot = async (shard: Shard) => ({
    info: await shard.getCollection({ collection: 'c' }),
    points: await shard.scroll({ collection: 'c', request: { limit: 10_000, with_vector: true } }),
    searches: await Promise.all(
      randomVectors(5, DIM, 1234).map((vector) => shard.search({ collection: 'c', request: { vector, limit: 10, with_payload: true } })),
    ),
  });

  it('replays the WAL on reopen and serves exactly what it served before', async () => {
    const { shard, tenantId } = await freshShard();
    await writeBatches(shard, tenantId, 3);
    await shard.deletePoints({ collection: 'c', wait: false, selector: { points: [3, 4] } });
    await shard.upsert({ collection: 'c', wait: false, points: [{ id: 3, vector: randomVectors(1, DIM, 77)[0], payload: { back: 1 } }] });
    const before = await snapshot(shard);
    const reopened = await reopen(tenantId);
    expect(reopened.loadReport().c).toMatchObject({ loaded_graph: false, replayed_records: 5 });
    expect(await snapshot(reopened)).toEqual(before);
  });

  it('after a checkpoint, loads the graph (no rebuild) and replays only the WAL tail', async () => {
    const { shard, tenantId } = await freshShard();
    await writeBatches(shard, tenantId, 4);
    await shard.checkpoint();
    expect((await shard.getCollection({ collection: 'c' })).segments_count).toBe(4);
    expect(walFiles(tenantId)).toHaveLength(1); // WAL files the checkpoint covers are gone
    await writeBatches(shard, tenantId, 2, 1000);
    await shard.deletePoints({ collection: 'c', wait: true, selector: { points: [0, 1000] } });
    const before = await snapshot(shard);

    const graphWrites = ['add', 'replace', 'reuse'].map((method) => jest.spyOn(HnswIndex.prototype, method as 'add'));
    const reopened = await reopen(tenantId);
    const report = reopened.loadReport().c;
    expect(report).toMatchObject({ loaded_graph: true, replayed_records: 3 });
    // Only the 20 points of the tail went into the graph: the 40 checkpointed ones were loaded.
    expect(graphWrites.reduce((sum, spy) => sum + spy.mock.calls.length, 0)).toBe(20);
    graphWrites.forEach((spy) => spy.mockRestore());
    expect(await snapshot(reopened)).toEqual(before);
  });

  it('keeps deleted points gone and reuses their slots after a checkpoint and reopen', async () => {
    const { shard, tenantId } = await freshShard();
    await writeBatches(shard, tenantId, 2);
    const uuid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: uuid.toUpperCase(), vector: randomVectors(1, DIM, 42)[0], payload: { u: 1 } }] });
    await shard.deletePoints({ collection: 'c', wait: true, selector: { points: [0, 1, 2, 3, 4] } });
    await shard.checkpoint();
    const reopened = await reopen(tenantId);
    expect(await reopened.retrieve({ collection: 'c', ids: [0, 1, 2, 3, 4] })).toEqual([]);
    expect(await reopened.retrieve({ collection: 'c', ids: [uuid] })).toEqual([{ id: uuid, payload: { u: 1 } }]);
    const fresh = randomVectors(7, DIM, 4242);
    await reopened.upsert({ collection: 'c', wait: true, points: points(fresh, () => ({ fresh: true }), 700) });
    for (const [i, vector] of fresh.entries()) {
      const [top] = await reopened.search({ collection: 'c', request: { vector, limit: 1 } });
      expect(top.id).toBe(700 + i);
    }
    const hits = await reopened.search({ collection: 'c', request: { vector: fresh[0], limit: 100 } });
    expect(hits).toHaveLength(10 + 10 - 5 + 1 + 7);
    expect(hits.some((hit) => [0, 1, 2, 3, 4].includes(hit.id as number))).toBe(false);
  });

  it('checkpoints on its own once the WAL passes checkpointEveryBytes', async () => {
    const { shard, tenantId } = await freshShard({ checkpointEveryBytes: 4096 });
    await writeBatches(shard, tenantId, 12);
    for (let i = 0; i < 100 && (await shard.getCollection({ collection: 'c' })).segments_count === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await shard.getCollection({ collection: 'c' })).segments_count).toBe(4);
    const before = await snapshot(shard);
    const reopened = await reopen(tenantId);
    expect(reopened.loadReport().c.loaded_graph).toBe(true);
    expect(reopened.loadReport().c.replayed_records).toBeLessThan(12);
    expect(await snapshot(reopened)).toEqual(before);
  });

  it('shares fsyncs between concurrent wait=true writers (group commit), each still durable on return', async () => {
    const { shard, tenantId } = await freshShard();
    const probe = await fsPromises.open(__filename, 'r');
    const fileHandle = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    const realDatasync = fileHandle.datasync;
    // A disk whose fsync takes 20 ms: writers arriving while one is in flight must share
    // the next (on a fast disk the first sync may end before the second writer appends,
    // and then there is nothing to share).
    const datasync = jest.spyOn(fileHandle, 'datasync').mockImplementation(async function (this: unknown) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return realDatasync.call(this);
    });
    await probe.close();
    const writes = randomVectors(20, DIM, 3).map((vector, id) => shard.upsert({ collection: 'c', wait: true, points: [{ id, vector }] }));
    const results = await Promise.all(writes);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill('completed'));
    expect(new Set(results.map((r) => r.operation_id)).size).toBe(20);
    expect(datasync.mock.calls.length).toBeGreaterThan(0);
    expect(datasync.mock.calls.length).toBeLessThan(20);
    datasync.mockRestore();
    const reopened = await reopen(tenantId);
    expect((await reopened.count({ collection: 'c', request: {} })).count).toBe(20);
  });

  it('flushes wait=false writes on close', async () => {
    const { shard, tenantId } = await freshShard();
    await shard.upsert({ collection: 'c', wait: false, points: points(randomVectors(5, DIM, 5)) });
    const reopened = await reopen(tenantId);
    expect((await reopened.count({ collection: 'c', request: {} })).count).toBe(5);
  });

  it('cuts off a torn last record (crash mid-append) and keeps every record before it', async () => {
    const { shard, tenantId } = await freshShard();
    const sizes = await writeBatches(shard, tenantId, 3);
    await store.closeAll();
    truncateSync(walFiles(tenantId)[0], sizes[1] + 30); // the third record is cut short

    const reopened = await reopen(tenantId);
    expect(reopened.loadReport().c.replayed_records).toBe(2);
    expect((await reopened.count({ collection: 'c', request: {} })).count).toBe(20);
    expect(statSync(walFiles(tenantId)[0]).size).toBe(sizes[1]);
    // The log continues cleanly after the cut: new writes survive another restart.
    expect((await reopened.upsert({ collection: 'c', wait: true, points: points(randomVectors(1, DIM, 9), () => ({}), 500) })).operation_id).toBe(3);
    const again = await reopen(tenantId);
    expect((await again.retrieve({ collection: 'c', ids: [500, 25] })).map((p) => p.id)).toEqual([500]);
  });

  it.each([
    ['random bytes', Buffer.from('this is not a WAL record at all, just noise from a torn write')],
    ['zeros', Buffer.alloc(4096)],
  ])('ignores and removes %s after the last record', async (_label, garbage) => {
    const { shard, tenantId } = await freshShard();
    const sizes = await writeBatches(shard, tenantId, 3);
    await store.closeAll();
    appendFileSync(walFiles(tenantId)[0], garbage);
    const reopened = await reopen(tenantId);
    expect(reopened.loadReport().c.replayed_records).toBe(3);
    expect((await reopened.count({ collection: 'c', request: {} })).count).toBe(30);
    expect(statSync(walFiles(tenantId)[0]).size).toBe(sizes[2]);
  });

  it('refuses to open when a record that is not the last is damaged (acknowledged data would be lost)', async () => {
    const { shard, tenantId } = await freshShard();
    await writeBatches(shard, tenantId, 3);
    await store.closeAll();
    const file = walFiles(tenantId)[0];
    const bytes = readFileSync(file);
    bytes[60] ^= 0xff; // inside the first record's body
    writeFileSync(file, bytes);
    store = new ShardStore({ rootDir: root.dir });
    await expect(store.open(tenantId)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining(path.basename(file)) });
  });

  describe('damaged checkpoint files', () => {
    let pristine: string;

    beforeAll(async () => {
      const { shard, tenantId } = await freshShard();
      await writeBatches(shard, tenantId, 3);
      await shard.checkpoint();
      await store.closeAll();
      pristine = tenantId;
    });

    const damagedCopy = (relative: (dir: string) => string, damage: (bytes: Buffer) => void) => {
      const tenantId = `t${++tenant}`;
      cpSync(path.join(root.dir, pristine), path.join(root.dir, tenantId), { recursive: true });
      const file = relative(collectionDir(tenantId));
      const bytes = readFileSync(file);
      damage(bytes);
      writeFileSync(file, bytes);
      return { tenantId, file };
    };
    const checkpointFile = (name: string) => (dir: string) => {
      const checkpoint = readdirSync(dir).find((entry) => entry.startsWith('checkpoint-'))!;
      return path.join(dir, checkpoint, name);
    };

    it.each(['labels.bin', 'versions.f64', 'payloads.bin', 'graph.hnsw'])('a flipped byte in %s fails the open as corrupt, naming the file', async (name) => {
      const { tenantId, file } = damagedCopy(checkpointFile(name), (bytes) => {
        bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      });
      store = new ShardStore({ rootDir: root.dir });
      await expect(store.open(tenantId)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining(file) });
    });

    /** The manifest rewritten to vouch for the damaged graph: only the graph's structure can give it away. */
    const damagedGraph = async (damage: (bytes: Buffer) => void) => {
      const { tenantId, file } = damagedCopy(checkpointFile('graph.hnsw'), damage);
      const manifestFile = path.join(collectionDir(tenantId), 'manifest.json');
      const { sha256: _ignored, ...manifest } = JSON.parse(readFileSync(manifestFile, 'utf8'));
      const bytes = readFileSync(file);
      const entry = manifest.files.find((f: { name: string }) => f.name === 'graph.hnsw');
      Object.assign(entry, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      await writeCheckedJson(manifestFile, manifest);
      return { tenantId, file };
    };
    /** Where each element's upper link lists start (after their u32 length), and one element with and one without them. */
    const upperSection = (bytes: Buffer) => {
      const upper: number[] = [];
      let at = 96 + 30 * level0(bytes).size;
      for (let element = 0; element < 30; element++) {
        const length = bytes.readUInt32LE(at);
        upper.push(length === 0 ? -1 : at + 4);
        at += 4 + length;
      }
      expect(bytes.readInt32LE(48)).toBeGreaterThan(0); // the fixture's graph has an upper level
      return { upper, withLevels: upper.findIndex((u) => u >= 0), withoutLevels: upper.findIndex((u) => u < 0) };
    };
    const level0 = (bytes: Buffer) => ({ size: bytes.readUInt32LE(24), data: bytes.readUInt32LE(40), label: bytes.readUInt32LE(32) });

    it.each([
      ['a link to an element that does not exist', (bytes: Buffer) => {
        bytes.writeUInt16LE(1, 96); // the first element: one level-0 link...
        bytes.writeUInt32LE(1_000_000, 100); // ...to element 1,000,000
      }],
      ['a link count larger than the list', (bytes: Buffer) => bytes.writeUInt16LE(1000, 96)],
      ['a label outside the table', (bytes: Buffer) => bytes.writeUInt32LE(77, 96 + level0(bytes).label)],
      ['the same label twice', (bytes: Buffer) => bytes.writeUInt32LE(bytes.readUInt32LE(96 + level0(bytes).label), 96 + level0(bytes).size + level0(bytes).label)],
      ['an element count that is not the manifest\'s', (bytes: Buffer) => bytes.writeUInt32LE(29, 16)],
      ['a truncated link section', (bytes: Buffer) => bytes.writeUInt32LE(0x7fffffff, 96 + 30 * level0(bytes).size)],
      ['a capacity far beyond its labels (hnswlib would allocate it)', (bytes: Buffer) => bytes.writeUInt32LE(1_000_000_000, 8)],
      ['an upper-level link to an element without that level', (bytes: Buffer) => {
        const { upper, withLevels, withoutLevels } = upperSection(bytes);
        bytes.writeUInt16LE(1, upper[withLevels]); // its level-1 list: one link...
        bytes.writeUInt32LE(withoutLevels, upper[withLevels] + 4); // ...to an element of level 0
      }],
      ['an entry point below the top level', (bytes: Buffer) => bytes.writeUInt32LE(upperSection(bytes).withoutLevels, 52)],
    ])('a graph.hnsw with %s (and a manifest vouching for it) fails the open as corrupt before hnswlib reads it', async (_what, damage) => {
      const { tenantId, file } = await damagedGraph(damage);
      store = new ShardStore({ rootDir: root.dir });
      const error = await store.open(tenantId).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'corrupt', message: expect.stringContaining(file) });
      expect((error as Error).message).not.toContain('hnswlib cannot load it');
    });

    it('a checkpoint of format 1 (vectors also in vectors.f32) still loads, its vectors from vectors.f32', async () => {
      const tenantId = `t${++tenant}`;
      cpSync(path.join(root.dir, pristine), path.join(root.dir, tenantId), { recursive: true });
      const expected = await (async () => {
        store = new ShardStore({ rootDir: root.dir });
        const shard = await store.open(tenantId);
        const all = await shard.retrieve({ collection: 'c', ids: Array.from({ length: 30 }, (_, i) => i), with_payload: true, with_vector: true });
        await store.closeAll();
        return all;
      })();
      // Format 1 as it was written: the same files plus vectors.f32 (labels × dim float32).
      const manifestFile = path.join(collectionDir(tenantId), 'manifest.json');
      const { sha256: _ignored, ...manifest } = JSON.parse(readFileSync(manifestFile, 'utf8'));
      const vectors = Buffer.alloc(manifest.labels * DIM * 4);
      for (const point of expected) vectors.set(Buffer.from(new Float32Array(point.vector as number[]).buffer), Number(point.id) * DIM * 4);
      writeFileSync(path.join(collectionDir(tenantId), manifest.directory, 'vectors.f32'), vectors);
      manifest.format = 1;
      manifest.files.push({ name: 'vectors.f32', size: vectors.length, sha256: createHash('sha256').update(vectors).digest('hex') });
      await writeCheckedJson(manifestFile, manifest);

      store = new ShardStore({ rootDir: root.dir });
      const shard = await store.open(tenantId);
      expect(shard.loadReport().c.loaded_graph).toBe(true);
      expect(await shard.retrieve({ collection: 'c', ids: Array.from({ length: 30 }, (_, i) => i), with_payload: true, with_vector: true })).toEqual(expected);
    });

    it.each(['manifest.json', 'config.json'])('an edited %s fails the open as corrupt', async (name) => {
      const { tenantId } = damagedCopy(
        (dir) => path.join(dir, name),
        (bytes) => {
          const at = bytes.indexOf('"Cosine"');
          bytes.write('"Euclid"', at);
        },
      );
      store = new ShardStore({ rootDir: root.dir });
      await expect(store.open(tenantId)).rejects.toMatchObject({ code: 'corrupt' });
    });

    it('a checkpoint a crash left unfinished (no manifest names it) is ignored and removed', async () => {
      const tenantId = `t${++tenant}`;
      cpSync(path.join(root.dir, pristine), path.join(root.dir, tenantId), { recursive: true });
      const orphan = path.join(collectionDir(tenantId), `checkpoint-${'9'.padStart(20, '0')}`);
      mkdirSync(orphan);
      writeFileSync(path.join(orphan, 'graph.hnsw'), 'half written');
      mkdirSync(path.join(root.dir, tenantId, 'collections', '.trash-0123'));
      store = new ShardStore({ rootDir: root.dir });
      const shard = await store.open(tenantId);
      expect((await shard.count({ collection: 'c', request: {} })).count).toBe(30);
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(path.join(root.dir, tenantId, 'collections', '.trash-0123'))).toBe(false);
    });
  });
});
