import { packVector, Shard, ShardStore } from '../src';
import { tempRoot } from '../test-support/fixtures';

const UUID_A = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const UUID_B = '00000000-0000-4000-8000-000000000001';

describe('points: upsert, retrieve, scroll, count, delete', () => {
  const root = tempRoot('points');
  let store: ShardStore;
  let shard: Shard;
  let tenant = 0;

  beforeEach(async () => {
    store = new ShardStore({ rootDir: root.dir });
    shard = await store.open(`tenant-${++tenant}`);
    await shard.createCollection({ collection: 'c', config: { size: 3, distance: 'Euclid' } });
  });
  afterEach(() => store.closeAll());
  afterAll(() => root.cleanup());

  const all = async () => (await shard.scroll({ collection: 'c', request: { limit: 1000, with_vector: true } })).points;

  it('upserts a batch; a later write of the same id replaces vector and payload entirely', async () => {
    const first = await shard.upsert({
      collection: 'c',
      wait: true,
      points: [
        { id: 1, vector: [1, 0, 0], payload: { a: 1, keep: 'no' } },
        { id: UUID_A.toUpperCase(), vector: [0, 1, 0] },
      ],
    });
    expect(first).toEqual({ operation_id: 1, status: 'completed' });
    const second = await shard.upsert({ collection: 'c', wait: false, points: [{ id: 1, vector: [0, 0, 1], payload: { a: 2 } }] });
    expect(second).toEqual({ operation_id: 2, status: 'acknowledged' });
    expect(await all()).toEqual([
      { id: 1, payload: { a: 2 }, vector: [0, 0, 1] },
      { id: UUID_A, payload: {}, vector: [0, 1, 0] },
    ]);
    expect((await shard.search({ collection: 'c', request: { vector: [0, 0, 1], limit: 1 } }))[0]).toEqual({ id: 1, version: 2, score: 0 });
  });

  it('stores a packed vector (float32 bytes, as the api sends them) as it stores the same list of numbers', async () => {
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [0.1, -2.5, 3e-7] }, { id: 2, vector: packVector([0.1, -2.5, 3e-7]) }] });
    const [listed, packed] = await all();
    expect(packed.vector).toEqual(listed.vector);
    expect(Array.from(packed.vector!)).toEqual(Array.from(Float32Array.from([0.1, -2.5, 3e-7])));
  });

  it('resolves duplicate ids within one batch as the last occurrence', async () => {
    await shard.upsert({
      collection: 'c',
      wait: true,
      points: [
        { id: 5, vector: [1, 1, 1], payload: { v: 'first' } },
        { id: 5, vector: [2, 2, 2], payload: { v: 'last' } },
      ],
    });
    expect(await all()).toEqual([{ id: 5, payload: { v: 'last' }, vector: [2, 2, 2] }]);
    expect((await shard.getCollection({ collection: 'c' })).points_count).toBe(1);
  });

  it('validates the whole batch first: one bad point writes nothing', async () => {
    const bad = [
      [{ id: 1, vector: [1, 2] }],
      [{ id: 1, vector: [1, 2, NaN] }],
      [{ id: 1, vector: [1, 2, Infinity] }],
      [{ id: 1, vector: [1, 2, 1e39] }],
      [{ id: -1, vector: [1, 2, 3] }],
      [{ id: 'nope', vector: [1, 2, 3] }],
      [{ id: 1, vector: [1, 2, 3], payload: [1] }],
      [{ id: 1, vector: 'abc' }],
      [{ id: 1, vector: packVector([1, 2]) }],
      [{ id: 1, vector: packVector([1, 2, 1e39]) }],
      [{ id: 1, vector: { f32: 'AAAA' } }],
    ];
    for (const batch of bad) {
      const points = [{ id: 100, vector: [0, 0, 0] }, ...batch];
      await expect(shard.upsert({ collection: 'c', wait: true, points: points as never })).rejects.toMatchObject({ code: 'bad_request' });
    }
    await expect(shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [1, 2, 3, 4] }] })).rejects.toThrow(
      /dimension 4, expected 3/,
    );
    await expect(shard.upsert({ collection: 'missing', wait: true, points: [] })).rejects.toMatchObject({ code: 'not_found' });
    expect(await all()).toEqual([]);
    expect((await shard.getCollection({ collection: 'c' })).lsn).toBe(0);
  });

  it('enforces max_points across the tenant, counting only new ids, and writes nothing when over', async () => {
    await shard.createCollection({ collection: 'other', config: { size: 3, distance: 'Euclid' } });
    await shard.upsert({ collection: 'other', wait: true, points: [{ id: 1, vector: [0, 0, 0] }], max_points: 3 });
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [0, 0, 0] }, { id: 2, vector: [0, 0, 0] }], max_points: 3 });
    await expect(
      shard.upsert({ collection: 'c', wait: true, points: [{ id: 2, vector: [1, 1, 1] }, { id: 3, vector: [0, 0, 0] }], max_points: 3 }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect((await all()).map((p) => p.vector)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // Updating existing points is not growth, so it is allowed at the limit.
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 2, vector: [1, 1, 1] }], max_points: 3 });
    // Concurrent writers cannot both squeeze into the last slot.
    await shard.deletePoints({ collection: 'c', wait: true, selector: { points: [2] } });
    const racing = await Promise.allSettled([
      shard.upsert({ collection: 'c', wait: true, points: [{ id: 10, vector: [0, 0, 0] }], max_points: 3 }),
      shard.upsert({ collection: 'other', wait: true, points: [{ id: 11, vector: [0, 0, 0] }], max_points: 3 }),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('keeps serving reads while a large batch is applied (the graph inserts yield)', async () => {
    const batch = Array.from({ length: 3000 }, (_, id) => ({ id, vector: [Math.sin(id), Math.cos(id), id / 3000] }));
    let finished = false;
    const write = shard.upsert({ collection: 'c', wait: true, points: batch, max_points: 3000 }).then((result) => {
      finished = true;
      return result;
    });
    const seen: number[] = [];
    while (!finished) {
      seen.push((await shard.count({ collection: 'c', request: {} })).count);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await write).status).toBe('completed');
    expect(seen.some((count) => count > 0 && count < 3000)).toBe(true);
    expect((await shard.count({ collection: 'c', request: {} })).count).toBe(3000);
  });

  it('retrieves by id in request order, skipping unknown ids, with payload selection', async () => {
    await shard.upsert({
      collection: 'c',
      wait: true,
      points: [
        { id: 1, vector: [1, 0, 0], payload: { a: 1, b: { c: 2 } } },
        { id: UUID_A, vector: [0, 1, 0], payload: { a: 3 } },
      ],
    });
    expect(await shard.retrieve({ collection: 'c', ids: [UUID_A.replace(/-/g, ''), 999, 1, 1] })).toEqual([
      { id: UUID_A, payload: { a: 3 } },
      { id: 1, payload: { a: 1, b: { c: 2 } } },
    ]);
    expect(await shard.retrieve({ collection: 'c', ids: [1], with_payload: ['b'], with_vector: true })).toEqual([
      { id: 1, payload: { b: { c: 2 } }, vector: [1, 0, 0] },
    ]);
    expect(await shard.retrieve({ collection: 'c', ids: [1], with_payload: false })).toEqual([{ id: 1 }]);
    await expect(shard.retrieve({ collection: 'c', ids: ['bad'] })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('returns payloads callers cannot corrupt', async () => {
    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 1, vector: [1, 0, 0], payload: { list: [1] } }] });
    const [point] = await shard.retrieve({ collection: 'c', ids: [1] });
    expect(() => {
      (point.payload!.list as number[]).push(2);
    }).toThrow();
    expect((await shard.retrieve({ collection: 'c', ids: [1] }))[0].payload).toEqual({ list: [1] });
  });

  it('scrolls integers then UUIDs, offset inclusive, next_page_offset naming the next point, with filters', async () => {
    const ids = [UUID_A, 30, UUID_B, 2, 100, 7];
    await shard.upsert({ collection: 'c', wait: true, points: ids.map((id, i) => ({ id, vector: [i, 0, 0], payload: { even: i % 2 === 0 } })) });
    const page1 = await shard.scroll({ collection: 'c', request: { limit: 4, with_payload: false } });
    expect(page1).toEqual({ points: [{ id: 2 }, { id: 7 }, { id: 30 }, { id: 100 }], next_page_offset: UUID_B });
    const page2 = await shard.scroll({ collection: 'c', request: { limit: 4, offset: page1.next_page_offset, with_payload: false } });
    expect(page2).toEqual({ points: [{ id: UUID_B }, { id: UUID_A }], next_page_offset: null });
    expect((await shard.scroll({ collection: 'c', request: { offset: 8, limit: 1 } })).points[0].id).toBe(30);
    const filtered = await shard.scroll({ collection: 'c', request: { filter: { must: [{ key: 'even', match: { value: true } }] }, limit: 2 } });
    expect(filtered).toEqual({
      points: [
        { id: 100, payload: { even: true } },
        { id: UUID_B, payload: { even: true } },
      ],
      next_page_offset: UUID_A,
    });
    expect(await shard.count({ collection: 'c', request: {} })).toEqual({ count: 6 });
    expect(await shard.count({ collection: 'c', request: { filter: { must_not: [{ key: 'even', match: { value: true } }] }, exact: true } })).toEqual({
      count: 3,
    });
  });

  it('deletes by ids and by filter, leaving no ghost in search, retrieve, scroll or count; a deleted id can come back', async () => {
    await shard.upsert({
      collection: 'c',
      wait: true,
      points: Array.from({ length: 50 }, (_, i) => ({ id: i, vector: [i, i % 7, 1], payload: { group: i % 5 } })),
    });
    const byIds = await shard.deletePoints({ collection: 'c', wait: true, selector: { points: [0, 1, 2, 999] } });
    expect(byIds.status).toBe('completed');
    await shard.deletePoints({ collection: 'c', wait: false, selector: { filter: { must: [{ key: 'group', match: { value: 4 } }] } } });
    const gone = [0, 1, 2, ...Array.from({ length: 10 }, (_, i) => i * 5 + 4)];
    const expectNoGhosts = async () => {
      const hits = await shard.search({ collection: 'c', request: { vector: [0, 0, 1], limit: 50 } });
      expect(hits).toHaveLength(50 - gone.length);
      for (const id of gone) expect(hits.some((h) => h.id === id)).toBe(false);
      expect(await shard.retrieve({ collection: 'c', ids: gone })).toEqual([]);
      expect((await all()).some((p) => gone.includes(p.id as number))).toBe(false);
      expect((await shard.count({ collection: 'c', request: {} })).count).toBe(50 - gone.length);
      expect((await shard.count({ collection: 'c', request: { filter: { must: [{ key: 'group', match: { value: 4 } }] } } })).count).toBe(0);
      const exact = await shard.search({ collection: 'c', request: { vector: [0, 0, 1], limit: 50, params: { exact: true } } });
      for (const id of gone) expect(exact.some((h) => h.id === id)).toBe(false);
    };
    await expectNoGhosts();
    await shard.checkpoint('c');
    await expectNoGhosts();

    await shard.upsert({ collection: 'c', wait: true, points: [{ id: 0, vector: [0, 0, 1], payload: { back: true } }] });
    const [top] = await shard.search({ collection: 'c', request: { vector: [0, 0, 1], limit: 1, with_payload: true } });
    expect(top).toMatchObject({ id: 0, score: 0, payload: { back: true } });
    expect((await shard.count({ collection: 'c', request: {} })).count).toBe(50 - gone.length + 1);
  });
});
