import { stringifyWithRaw } from '@hivehub/common';
import type { Tenant } from '@hivehub/db';
import { packVector, requestVector, type ShardOp, type ShardOpArgs } from '@hivehub/shard';
import { DataPlane } from './data-plane.port';
import { QdrantSearchService } from './qdrant-search.service';
import { parseWith } from './schemas/parse';
import { queryBatchSchema } from './schemas/search.schema';

/** Records calls and answers searches with one point per request (id = the request's first component). */
class RecordingDataPlane extends DataPlane {
  calls: { op: ShardOp; args: unknown }[] = [];
  async call<K extends ShardOp>(_tenant: Tenant, op: K, args: ShardOpArgs<K>): Promise<any> {
    this.calls.push({ op, args });
    if (op === 'searchBatch') {
      return (args as ShardOpArgs<'searchBatch'>).requests.map((r) => [{ id: requestVector(r.vector, 1, 'vector')[0], version: 3, score: 0.9 }]);
    }
    if (op === 'scroll') {
      const { limit = 10 } = (args as ShardOpArgs<'scroll'>).request;
      return { points: Array.from({ length: limit }, (_, i) => ({ id: i + 1, payload: { n: i + 1 } })), next_page_offset: limit + 1 };
    }
    throw new Error(`unexpected ${op}`);
  }
}

const tenant = { id: 't1' } as Tenant;

describe('Query API over search and scroll', () => {
  it('sends the nearest queries as one search batch, scrolls the others, and answers in request order', async () => {
    const dataPlane = new RecordingDataPlane();
    const plans = parseWith(queryBatchSchema, {
      searches: [{ query: [7] }, { limit: 2, offset: 3, with_payload: true }, { query: { nearest: [8] }, limit: 1 }],
    });
    const result = await new QdrantSearchService(dataPlane).queryBatch(tenant, 'docs', plans);
    expect(JSON.parse(stringifyWithRaw(result))).toEqual([
      { points: [{ id: 7, version: 3, score: 0.9 }] },
      { points: [{ id: 4, version: 0, score: 1, payload: { n: 4 } }, { id: 5, version: 0, score: 1, payload: { n: 5 } }] },
      { points: [{ id: 8, version: 3, score: 0.9 }] },
    ]);
    expect(dataPlane.calls.map((c) => c.op).sort()).toEqual(['scroll', 'searchBatch']);
    const batch = dataPlane.calls.find((c) => c.op === 'searchBatch')!.args as ShardOpArgs<'searchBatch'>;
    // Query vectors go to the node packed (float32 bytes, base64).
    expect(batch.requests.map((r) => r.vector)).toEqual([packVector([7]), packVector([8])]);
  });

  it('does not call the node for an empty batch', async () => {
    const dataPlane = new RecordingDataPlane();
    expect(await new QdrantSearchService(dataPlane).queryBatch(tenant, 'docs', [])).toEqual([]);
    expect(await new QdrantSearchService(dataPlane).searchBatch(tenant, 'docs', [])).toEqual([]);
    expect(dataPlane.calls).toEqual([]);
  });
});
