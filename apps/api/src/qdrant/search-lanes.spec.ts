import { DomainError, type RawJson } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import type { ScoredPoint, SearchRequest, ShardOp, ShardOpArgs } from '@hivehub/shard';
import { DataPlane } from './data-plane.port';
import { LANE_BATCH, LANE_CALLS, SearchLanes } from './search-lanes';

interface HeldCall {
  tenant: string;
  collection: string;
  vectors: number[];
  answer: () => void;
  fail: (err: unknown) => void;
}

/**
 * A node that holds every searchBatch call until the test answers it. Each request's
 * vector is one number: the answer is one point with that id, and a negative number is
 * a search the node refuses (as it refuses a wrong dimension).
 */
class HeldDataPlane extends DataPlane {
  calls: HeldCall[] = [];
  call<K extends ShardOp>(tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<any> {
    if (op !== 'searchBatch') throw new Error(`unexpected ${op}`);
    const { collection, requests } = args as ShardOpArgs<'searchBatch'>;
    const vectors = requests.map((r) => (r.vector as number[])[0]);
    return new Promise((resolve, reject) => {
      const answer = () => {
        const bad = vectors.find((v) => v < 0);
        if (bad !== undefined) reject(new DomainError('bad_request', `search ${bad} is bad`));
        else resolve(vectors.map((id) => [{ id, version: 1, score: 1 }]));
      };
      this.calls.push({ tenant: tenant.id, collection, vectors, answer, fail: reject });
    });
  }

  /** Answers the calls held now (not those they cause), then lets the lanes move. */
  async answerAll(): Promise<void> {
    const held = this.calls.splice(0);
    held.forEach((c) => c.answer());
    await settle();
  }
}

const settle = () => new Promise((r) => setImmediate(r));
const tenant = (id: string) => ({ id }) as Tenant;
const req = (v: number): SearchRequest => ({ vector: [v], limit: 1 }) as SearchRequest;
const ids = (results: RawJson[]) => results.map((points) => (JSON.parse(points.text) as ScoredPoint[]).map((p) => p.id));

describe('SearchLanes', () => {
  it('sends a lone search at once', async () => {
    const node = new HeldDataPlane();
    const done = new SearchLanes(node).search(tenant('t'), 'docs', [req(7)]);
    expect(node.calls.map((c) => c.vectors)).toEqual([[7]]);
    await node.answerAll();
    expect(ids(await done)).toEqual([[7]]);
  });

  it('joins the searches that arrive while its calls are out into the next call, and gives each caller its own results', async () => {
    const node = new HeldDataPlane();
    const lanes = new SearchLanes(node);
    const first = Array.from({ length: LANE_CALLS }, (_, i) => lanes.search(tenant('t'), 'docs', [req(i + 1)]));
    const waiting = [lanes.search(tenant('t'), 'docs', [req(10)]), lanes.search(tenant('t'), 'docs', [req(11), req(12)]), lanes.search(tenant('t'), 'docs', [req(13)])];
    expect(node.calls.map((c) => c.vectors)).toEqual(first.map((_, i) => [i + 1]));
    await node.answerAll();
    expect(node.calls.map((c) => c.vectors)).toEqual([[10, 11, 12, 13]]);
    await node.answerAll();
    expect(await Promise.all(first.map((p) => p.then(ids)))).toEqual(first.map((_, i) => [[i + 1]]));
    expect(await Promise.all(waiting.map((p) => p.then(ids)))).toEqual([[[10]], [[11], [12]], [[13]]]);
  });

  it('keeps tenants and collections apart', async () => {
    const node = new HeldDataPlane();
    const lanes = new SearchLanes(node);
    const all = [lanes.search(tenant('a'), 'docs', [req(1)]), lanes.search(tenant('b'), 'docs', [req(2)]), lanes.search(tenant('a'), 'other', [req(3)])];
    expect(node.calls.map((c) => [c.tenant, c.collection, c.vectors])).toEqual([
      ['a', 'docs', [1]],
      ['b', 'docs', [2]],
      ['a', 'other', [3]],
    ]);
    await node.answerAll();
    expect(await Promise.all(all.map((p) => p.then(ids)))).toEqual([[[1]], [[2]], [[3]]]);
  });

  it('sends a bad search of a joined call again alone, so only its caller gets the error', async () => {
    const node = new HeldDataPlane();
    const lanes = new SearchLanes(node);
    const first = Array.from({ length: LANE_CALLS }, (_, i) => lanes.search(tenant('t'), 'docs', [req(i + 1)]));
    const good = lanes.search(tenant('t'), 'docs', [req(20)]);
    const bad = lanes.search(tenant('t'), 'docs', [req(21), req(-1)]).then(() => 'no error', (err: Error) => err.message);
    const alsoGood = lanes.search(tenant('t'), 'docs', [req(22)]);
    await node.answerAll();
    expect(node.calls.map((c) => c.vectors)).toEqual([[20, 21, -1, 22]]);
    await node.answerAll();
    expect(node.calls.map((c) => c.vectors)).toEqual([[20], [21, -1], [22]]);
    await node.answerAll();
    await Promise.all(first);
    expect(ids(await good)).toEqual([[20]]);
    expect(await bad).toBe('search -1 is bad');
    expect(ids(await alsoGood)).toEqual([[22]]);
  });

  it('gives every caller of a joined call a node failure, without sending again', async () => {
    const node = new HeldDataPlane();
    const lanes = new SearchLanes(node);
    const first = Array.from({ length: LANE_CALLS }, (_, i) => lanes.search(tenant('t'), 'docs', [req(i + 1)]));
    const joined = [30, 31].map((v) => lanes.search(tenant('t'), 'docs', [req(v)]).then(() => 'no error', (err: Error) => err.message));
    await node.answerAll();
    node.calls.splice(0).forEach((c) => c.fail(new DomainError('timeout', 'data node n1 did not answer within 30000 ms')));
    expect(await Promise.all(joined)).toEqual([0, 1].map(() => 'data node n1 did not answer within 30000 ms'));
    await settle();
    expect(node.calls).toEqual([]);
    await Promise.all(first);
  });

  it(`puts at most ${LANE_BATCH} searches in one call, though a caller's own batch may be larger`, async () => {
    const node = new HeldDataPlane();
    const lanes = new SearchLanes(node);
    const first = Array.from({ length: LANE_CALLS }, (_, i) => lanes.search(tenant('t'), 'docs', [req(i + 1)]));
    const big = Array.from({ length: LANE_BATCH + 5 }, (_, i) => req(100 + i));
    const callers = [lanes.search(tenant('t'), 'docs', big), ...Array.from({ length: LANE_BATCH }, (_, i) => lanes.search(tenant('t'), 'docs', [req(1000 + i)]))];
    await node.answerAll();
    expect(node.calls.map((c) => c.vectors.length)).toEqual([LANE_BATCH + 5, LANE_BATCH]);
    await node.answerAll();
    await Promise.all([...first, ...callers]);
    expect(ids(await callers[0])).toEqual(big.map((r) => [(r.vector as number[])[0]]));
  });

  it('forgets a lane once its searches are answered', async () => {
    const node = new HeldDataPlane();
    const lanes = new SearchLanes(node);
    const done = lanes.search(tenant('t'), 'docs', [req(1)]);
    await node.answerAll();
    await done;
    expect((lanes as unknown as { lanes: Map<string, unknown> }).lanes.size).toBe(0);
  });
});
