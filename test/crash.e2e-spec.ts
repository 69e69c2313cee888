import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { admin, bearer, call, createKey, createTenant } from './support/client';
import { sample } from './support/metrics';
import { startNode, waitFor, WORKER_MAIN } from './support/processes';
import { stackInfo } from './support/stack-info';
import { randomVectors } from './support/vectors';

/**
 * kill -9 of the node while a client performs acknowledged (wait=true) upserts: after
 * the restart every acknowledged point is present and searchable, and the node loaded
 * the collection's checkpointed graph, replaying only the WAL written after it.
 */
describe('crash of a data node', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    const { env, dir } = stackInfo();
    const nodeId = `crash-${randomUUID().slice(0, 8)}`;
    const dataDir = path.join(dir, nodeId);
    const start = (n: number) =>
      // Small checkpoints, so that several happen (in the background) while the client writes.
      startNode(
        WORKER_MAIN,
        { ...env, NODE_ID: nodeId, WORKER_PORT: '0', NODE_DATA_DIR: dataDir, WORKER_SCHEDULABLE: 'false', SHARD_CHECKPOINT_EVERY_BYTES: '65536' },
        path.join(dir, `${nodeId}-${n}.log`),
      );
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
      // 1,500 points are 150 WAL records of about 1.5 KiB: several checkpoints' worth.
      await waitFor('some acknowledged writes', async () => (acknowledged.length >= 1500 ? true : undefined), 60_000, 20);
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
      // Loaded, not rebuilt: the graph came from the last checkpoint and only the WAL after it was replayed.
      const node = await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() });
      const metrics = await (await fetch(`${node.body.address}/metrics`)).text();
      expect(sample(metrics, 'hivehub_collection_load_seconds_count{graph="loaded"}')).toBe(1);
      expect(sample(metrics, 'hivehub_collection_load_seconds_count{graph="none"}')).toBeUndefined();
      expect(sample(metrics, 'hivehub_collection_wal_records_replayed_total')).toBeLessThan(acknowledged.length / 10 / 2);
    } finally {
      await worker.stop('SIGKILL');
    }
  });
});
