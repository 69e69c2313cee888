import { Client } from 'pg';
import { admin, bearer, call, tenantWithKey } from './support/client';
import { stackInfo } from './support/stack-info';

async function nodeToken(): Promise<string> {
  const db = new Client({ connectionString: stackInfo().env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query("SELECT value FROM cluster_secrets WHERE name = 'node_token'");
    return rows[0].value as string;
  } finally {
    await db.end();
  }
}

describe("a node's internal data API", () => {
  it('answers a list op as NDJSON, an element a line, when asked, and errors as JSON', async () => {
    const { tenant, key } = await tenantWithKey();
    const headers = bearer(key);
    expect((await call('PUT', '/collections/docs', { headers, json: { vectors: { size: 2, distance: 'Dot' } } })).status).toBe(200);
    const points = [
      { id: 1, vector: [1, 0], payload: { text: 'two\nlines and "quotes"', city: 'Zürich' } },
      { id: 2, vector: [0, 1], payload: { text: 'plain' } },
    ];
    expect((await call('PUT', '/collections/docs/points?wait=true', { headers, json: { points } })).status).toBe(200);
    const placement = await call('GET', `/admin/tenants/${tenant.id}/placement`, { headers: admin() });
    const nodes = await call('GET', '/admin/nodes', { headers: admin() });
    const node = (nodes.body.nodes as { id: string; address: string }[]).find((n) => n.id === placement.body.node_id)!;
    const token = await nodeToken();
    const post = (op: string, args: unknown, accept?: string, auth = token) =>
      fetch(`${node.address}/internal/shards/${tenant.id}/ops/${op}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', ...(accept ? { accept } : {}) },
        body: JSON.stringify(args),
      });
    const requests = [
      { vector: [1, 0], limit: 2, with_payload: true },
      { vector: [0, 1], limit: 1, filter: { must: [{ key: 'city', match: { value: 'Nowhere' } }] } },
      { vector: [0, 1], limit: 1 },
    ];

    const asJson = await post('searchBatch', { collection: 'docs', requests });
    expect(asJson.headers.get('content-type')).toContain('application/json');
    const { result } = (await asJson.json()) as { result: { id: number }[][] };
    expect(result.map((r) => r.map((p) => p.id))).toEqual([[1, 2], [], [2]]);

    const asLines = await post('searchBatch', { collection: 'docs', requests }, 'application/json, application/x-ndjson');
    expect(asLines.status).toBe(200);
    expect(asLines.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await asLines.text()).split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(result);

    // Not a list, or an error: JSON as always, whatever was asked.
    const count = await post('count', { collection: 'docs', request: { exact: true } }, 'application/x-ndjson');
    expect(await count.json()).toEqual({ result: { count: 2 } });
    const missing = await post('searchBatch', { collection: 'nope', requests }, 'application/x-ndjson');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await post('searchBatch', { collection: 'docs', requests }, 'application/x-ndjson', 'wrong')).status).toBe(401);
  });
});
