import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { admin, bearer, call, createKey, createTenant } from './support/client';
import { startNode, waitFor, WORKER_MAIN } from './support/processes';
import { stackInfo } from './support/stack-info';
import { randomVectors } from './support/vectors';

/**
 * kill -9 of the node while a client performs acknowledged (wait=true) upserts: after
 * the restart every acknowledged point is present and searchable.
 */
describe('crash of a data node', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    const { env, dir } = stackInfo();
    const nodeId = `crash-${randomUUID().slice(0, 8)}`;
    const dataDir = path.join(dir, nodeId);
    const start = (n: number) =>
      startNode(WORKER_MAIN, { ...env, NODE_ID: nodeId, WORKER_PORT: '0', NODE_DATA_DIR: dataDir, WORKER_SCHEDULABLE: 'false' }, path.join(dir, `${nodeId}-${n}.log`));
    /** The node's registration once it is alive and, when given, newer than `after`. */
    const alive = (after?: string) => async () => {
      const res = await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() });
      return res.status === 200 && res.body.alive && res.body.started_at !== after ? (res.body.started_at as string) : undefined;
    };
    let worker = start(1);
    try {
      const firstStart = await waitFor('the crash-test node to register', alive());
      const tenant = await createTenant();
      const { key } = await createKey(tenant.id);
      expect((await call('PUT', `/admin/tenants/${tenant.id}/placement`, { headers: admin(), json: { node_id: nodeId } })).status).toBe(200);
      await call('PUT', '/collections/crash', { headers: bearer(key), json: { vectors: { size: 32, distance: 'Cosine' } } });

      const vectors = randomVectors(4000, 32, 3);
      const acknowledged: number[] = [];
      let writing = true;
      const writer = (async () => {
        for (let batch = 0; writing && batch < 400; batch++) {
          const ids = Array.from({ length: 10 }, (_, i) => batch * 10 + i);
          const res = await call('PUT', '/collections/crash/points?wait=true', {
            headers: bearer(key),
            json: { points: ids.map((id) => ({ id, vector: vectors[id], payload: { batch } })) },
          }).catch(() => undefined);
          if (res?.status === 200) acknowledged.push(...ids);
          else break;
        }
      })();
      await waitFor('some acknowledged writes', async () => (acknowledged.length >= 300 ? true : undefined), 30_000, 20);
      worker.child.kill('SIGKILL');
      writing = false;
      await writer;
      await worker.exited;

      worker = start(2);
      await waitFor('the node to come back (registered anew)', alive(firstStart), 30_000);
      const count = await call('POST', '/collections/crash/points/count', { headers: bearer(key), json: { exact: true } });
      expect(count.status).toBe(200);
      expect(count.body.result.count).toBeGreaterThanOrEqual(acknowledged.length);
      const retrieved = await call('POST', '/collections/crash/points', { headers: bearer(key), json: { ids: acknowledged, with_payload: false } });
      expect(retrieved.body.result.map((p: { id: number }) => p.id).sort((a: number, b: number) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));
      for (const id of [acknowledged[0], acknowledged[acknowledged.length - 1]]) {
        const hit = await call('POST', '/collections/crash/points/search', { headers: bearer(key), json: { vector: vectors[id], limit: 1 } });
        expect(hit.body.result[0].id).toBe(id);
      }
    } finally {
      await worker.stop('SIGKILL');
    }
  });
});
