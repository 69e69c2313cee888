import { PointStruct, Shard, ShardStore } from '../src';
import { seededRandom, tempRoot } from '../test-support/fixtures';

/** stored_bytes from scratch: per live point size × 4 + UTF-8 length of its payload JSON. */
async function recomputeBytes(shard: Shard, collection: string): Promise<number> {
  const { config } = await shard.getCollection({ collection });
  const { points } = await shard.scroll({ collection, request: { limit: 1_000_000, with_payload: true } });
  return points.reduce((sum, point) => sum + config.size * 4 + Buffer.byteLength(JSON.stringify(point.payload ?? {}), 'utf8'), 0);
}

const storedBytes = async (shard: Shard, collection: string) => (await shard.getCollection({ collection })).stored_bytes;

describe('stored bytes and the max_bytes quota', () => {
  const root = tempRoot('bytes');
  let store: ShardStore;
  let shard: Shard;
  let tenant = 0;
  let tenantId = '';

  beforeEach(async () => {
    store = new ShardStore({ rootDir: root.dir });
    tenantId = `tenant-${++tenant}`;
    shard = await store.open(tenantId);
    await shard.createCollection({ collection: 'c', config: { size: 3, distance: 'Cosine' } });
  });
  afterEach(() => store.closeAll());
  afterAll(() => root.cleanup());

  const reopen = async () => {
    await store.closeAll();
    store = new ShardStore({ rootDir: root.dir });
    shard = await store.open(tenantId);
  };

  const expectConsistent = async (collection = 'c') => {
    const bytes = await storedBytes(shard, collection);
    expect(bytes).toBe(await recomputeBytes(shard, collection));
    return bytes;
  };

  /** Random upserts (new ids, replacements, duplicates in a batch, unicode and null payloads) and deletes. */
  const churn = async (seed: number, rounds: number) => {
    const random = seededRandom(seed);
    const payloadOf = (): PointStruct['payload'] => {
      const kind = Math.floor(random() * 4);
      if (kind === 0) return null;
      if (kind === 1) return { text: 'é✓𝄞'.repeat(Math.floor(random() * 20)), n: random() };
      if (kind === 2) return { tags: Array.from({ length: Math.floor(random() * 5) }, (_, i) => `t${i}`), nested: { deep: [1, { x: 'ü' }] } };
      return { v: Math.floor(random() * 1000) };
    };
    for (let round = 0; round < rounds; round++) {
      const points: PointStruct[] = Array.from({ length: 1 + Math.floor(random() * 20) }, () => ({
        id: Math.floor(random() * 60),
        vector: [random() + 0.1, random(), random()],
        payload: payloadOf(),
      }));
      await shard.upsert({ collection: 'c', wait: false, points });
      if (random() < 0.5) {
        const ids = Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * 60));
        await shard.deletePoints({ collection: 'c', wait: false, selector: { points: ids } });
      }
      if (random() < 0.2) {
        await shard.deletePoints({ collection: 'c', wait: false, selector: { filter: { must: [{ key: 'v', range: { lt: 300 } }] } } });
      }
    }
  };

  it('counts vectors and payload JSON exactly; replacing and deleting adjust it', async () => {
    expect(await storedBytes(shard, 'c')).toBe(0);
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [1, 0, 0], payload: { a: 'é' } }, { id: 2, vector: [0, 1, 0] }] });
    // 2 × 3 × 4 vector bytes + '{"a":"é"}' (10 UTF-8 bytes) + '{}' (2).
    expect(await storedBytes(shard, 'c')).toBe(24 + 10 + 2);
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [0, 0, 1], payload: { a: 'xyz' } }] });
    expect(await storedBytes(shard, 'c')).toBe(24 + 11 + 2);
    await shard.deletePoints({ collection: 'c', wait: true, selector: { points: [2, 99] } });
    expect(await storedBytes(shard, 'c')).toBe(12 + 11);
    await churn(1, 60);
    await expectConsistent();
  });

  it('survives a reopen from the WAL alone, from a checkpoint, and from a checkpoint plus WAL', async () => {
    await churn(2, 40);
    const walOnly = await expectConsistent();
    expect(walOnly).toBeGreaterThan(0);
    await reopen();
    expect(await storedBytes(shard, 'c')).toBe(walOnly);

    await shard.checkpoint('c');
    await reopen();
    expect((await shard.getCollection({ collection: 'c' })).segments_count).toBeGreaterThan(0);
    expect(shard.loadReport().c.replayed_records).toBe(0);
    expect(await storedBytes(shard, 'c')).toBe(walOnly);

    await churn(3, 40); // replacements and deletes of checkpointed points, then a replayed tail
    const mixed = await expectConsistent();
    await reopen();
    expect(shard.loadReport().c).toMatchObject({ loaded_graph: true });
    expect(shard.loadReport().c.replayed_records).toBeGreaterThan(0);
    expect(await storedBytes(shard, 'c')).toBe(mixed);
    await expectConsistent();
  });

  it('refuses a write over max_bytes across the tenant with quota_exceeded, writing nothing; a write that fits succeeds', async () => {
    await shard.createCollection({ collection: 'other', config: { size: 2, distance: 'Euclid' } });
    await shard.upsert({ collection: 'other', wait: true, points: [{ id: 1, vector: [1, 1], payload: { k: 'v' } }] }); // 8 + 9
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [1, 0, 0] }] }); // 12 + 2
    const used = 17 + 14;
    const max_bytes = used + 30;
    const before = await shard.getCollection({ collection: 'c' });

    // A new point with a 19-byte payload needs 31 bytes: 1 over.
    const tooBig = { id: 2, vector: [0, 1, 0], payload: { p: 'x'.repeat(11) } };
    expect(Buffer.byteLength(JSON.stringify(tooBig.payload))).toBe(19);
    const refused = shard.upsert({ collection: 'c', wait: true, points: [tooBig], max_bytes });
    await expect(refused).rejects.toMatchObject({ code: 'quota_exceeded', name: 'ShardError' });
    await expect(refused).rejects.toThrow(/needs 31 more bytes.*62 bytes.*limit is 61 bytes/);
    // A replacement growing a payload past the limit is refused too.
    await expect(
      shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [1, 0, 0], payload: { p: 'x'.repeat(40) } }], max_bytes }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
    const after = await shard.getCollection({ collection: 'c' });
    expect(after).toEqual(before);
    expect(await shard.retrieve({ collection: 'c', ids: [1, 2] })).toEqual([{ id: 1, payload: {} }]);

    // Exactly at the limit is allowed.
    const fits = { ...tooBig, payload: { p: 'x'.repeat(10) } };
    const written = await shard.upsert({ collection: 'c', wait: true, points: [fits], max_bytes });
    expect(written.operation_id).toBe(before.lsn + 1);
    expect((await storedBytes(shard, 'c')) + (await storedBytes(shard, 'other'))).toBe(max_bytes);
    // At the limit, a write that does not grow storage still passes; one that grows does not.
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 2, vector: [0, 0, 1], payload: { p: 'y' } }], max_bytes });
    await expect(shard.upsert({ collection: 'other', wait: true, points: [{ id: 2, vector: [0, 0] }], max_bytes })).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    await expect(shard.upsert({ collection: 'c', wait: true, points: [], max_bytes: -1 })).rejects.toMatchObject({ code: 'bad_request' });
    await expectConsistent();
    await expectConsistent('other');
  });

  it('does not let two concurrent upserts to different collections both pass max_bytes', async () => {
    await shard.createCollection({ collection: 'other', config: { size: 3, distance: 'Cosine' } });
    const batch = (base: number) =>
      Array.from({ length: 400 }, (_, i) => ({ id: base + i, vector: [Math.sin(i) + 2, Math.cos(i), 1], payload: { i } }));
    const one = batch(0);
    const bytesOf = (points: PointStruct[]) => points.reduce((sum, p) => sum + 12 + Buffer.byteLength(JSON.stringify(p.payload)), 0);
    const max_bytes = bytesOf(one) + bytesOf(batch(0)) - 1; // each fits alone, both do not
    for (let attempt = 0; attempt < 3; attempt++) {
      const racing = await Promise.allSettled([
        shard.upsert({ collection: 'c', wait: true, points: batch(attempt * 1000), max_bytes }),
        shard.upsert({ collection: 'other', wait: true, points: batch(attempt * 1000), max_bytes }),
      ]);
      expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = racing.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(rejected.reason).toMatchObject({ code: 'quota_exceeded' });
      const total = (await storedBytes(shard, 'c')) + (await storedBytes(shard, 'other'));
      expect(total).toBe(bytesOf(one));
      expect(total).toBeLessThanOrEqual(max_bytes);
      const ids = one.map((p) => attempt * 1000 + (p.id as number));
      await shard.deletePoints({ collection: 'c', wait: true, selector: { points: ids } });
      await shard.deletePoints({ collection: 'other', wait: true, selector: { points: ids } });
      expect((await storedBytes(shard, 'c')) + (await storedBytes(shard, 'other'))).toBe(0);
    }
  });
});
