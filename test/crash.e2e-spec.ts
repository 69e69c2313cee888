import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { simdLevels } from 'hivehub-vector-graph';
import { admin, bearer, call, createKey, createTenant } from './support/client';
import { sample } from './support/metrics';
import { startNode, waitFor, WORKER_MAIN, type RunningProcess } from './support/processes';
import { stackInfo } from './support/stack-info';
import { randomVectors } from './support/vectors';

/** A node of its own (never chosen for other tenants), restartable on the same data dir. */
function ownNode(prefix: string, extraEnv: Record<string, string> = {}) {
  const { env, dir } = stackInfo();
  const nodeId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const dataDir = path.join(dir, nodeId);
  let runs = 0;
  return {
    nodeId,
    start: (): RunningProcess =>
      startNode(WORKER_MAIN, { ...env, NODE_ID: nodeId, WORKER_PORT: '0', NODE_DATA_DIR: dataDir, WORKER_SCHEDULABLE: 'false', ...extraEnv }, path.join(dir, `${nodeId}-${++runs}.log`)),
    /** Waits for the node's registration, newer than `after` when given; its started_at. */
    alive: (after?: string) =>
      waitFor(`node ${nodeId} to register${after ? ' anew' : ''}`, async () => {
        const res = await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() });
        return res.status === 200 && res.body.alive && res.body.started_at !== after ? (res.body.started_at as string) : undefined;
      }, 30_000),
    /** How the node's collections loaded when it opened their shards (its /metrics). */
    async loads() {
      const node = await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() });
      const metrics = await (await fetch(`${node.body.address}/metrics`)).text();
      return {
        withGraph: sample(metrics, 'hivehub_collection_load_seconds_count{graph="loaded"}'),
        withoutGraph: sample(metrics, 'hivehub_collection_load_seconds_count{graph="none"}'),
        replayed: sample(metrics, 'hivehub_collection_wal_records_replayed_total'),
        simd: /^hivehub_vector_distance_simd_info\{level="(avx512|avx2|sse)"\} 1$/m.exec(metrics)?.[1],
      };
    },
    /** A tenant with a key, placed on this node. */
    async tenant() {
      const tenant = await createTenant();
      const { key } = await createKey(tenant.id);
      expect((await call('PUT', `/admin/tenants/${tenant.id}/placement`, { headers: admin(), json: { node_id: nodeId } })).status).toBe(200);
      return { headers: bearer(key) };
    },
  };
}

/**
 * kill -9 of the node while a client performs acknowledged (wait=true) upserts: after
 * the restart every acknowledged point is present and searchable, and the node loaded
 * the collection's checkpointed graph, replaying only the WAL written after it.
 */
describe('crash of a data node', () => {
  it('keeps every acknowledged write across kill -9', async () => {
    // Small checkpoints, so that several happen (in the background) while the client writes.
    const node = ownNode('crash', { SHARD_CHECKPOINT_EVERY_BYTES: '65536' });
    let worker = node.start();
    try {
      const firstStart = await node.alive();
      const { headers } = await node.tenant();
      await call('PUT', '/collections/crash', { headers, json: { vectors: { size: 32, distance: 'Cosine' } } });

      const vectors = randomVectors(4000, 32, 3);
      const acknowledged: number[] = [];
      let writing = true;
      const writer = (async () => {
        for (let batch = 0; writing && batch < 400; batch++) {
          const ids = Array.from({ length: 10 }, (_, i) => batch * 10 + i);
          const res = await call('PUT', '/collections/crash/points?wait=true', {
            headers,
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

      worker = node.start();
      await node.alive(firstStart);
      const count = await call('POST', '/collections/crash/points/count', { headers, json: { exact: true } });
      expect(count.status).toBe(200);
      expect(count.body.result.count).toBeGreaterThanOrEqual(acknowledged.length);
      const retrieved = await call('POST', '/collections/crash/points', { headers, json: { ids: acknowledged, with_payload: false } });
      expect(retrieved.body.result.map((p: { id: number }) => p.id).sort((a: number, b: number) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));
      for (const id of [acknowledged[0], acknowledged[acknowledged.length - 1]]) {
        const hit = await call('POST', '/collections/crash/points/search', { headers, json: { vector: vectors[id], limit: 1 } });
        expect(hit.body.result[0].id).toBe(id);
      }
      // Loaded, not rebuilt: the graph came from the last checkpoint and only the WAL after it was replayed.
      const loads = await node.loads();
      expect(loads).toMatchObject({ withGraph: 1, withoutGraph: undefined });
      expect(loads.replayed).toBeLessThan(acknowledged.length / 10 / 2);
    } finally {
      await worker.stop('SIGKILL');
    }
  });

  it('checkpoints on a clean stop: the restart loads the graph and replays no WAL', async () => {
    const node = ownNode('stop');
    let worker = node.start();
    try {
      const firstStart = await node.alive();
      const { headers } = await node.tenant();
      await call('PUT', '/collections/docs', { headers, json: { vectors: { size: 8, distance: 'Euclid' } } });
      const vectors = randomVectors(200, 8, 5);
      const upsert = await call('PUT', '/collections/docs/points?wait=false', { headers, json: { points: vectors.map((vector, id) => ({ id, vector })) } });
      expect(upsert.status).toBe(200);

      await worker.stop('SIGTERM'); // Nest closes the app, then exits by the same signal
      worker = node.start();
      await node.alive(firstStart);
      // simd: the node reports the widest distance kernels this CPU runs.
      expect(await node.loads()).toEqual({ withGraph: 1, withoutGraph: undefined, replayed: 0, simd: simdLevels[0] });
      const count = await call('POST', '/collections/docs/points/count', { headers, json: { exact: true } });
      expect(count.body.result.count).toBe(200);
      const hit = await call('POST', '/collections/docs/points/search', { headers, json: { vector: vectors[7], limit: 1 } });
      expect(hit.body.result[0]).toMatchObject({ id: 7, score: 0 });
    } finally {
      await worker.stop('SIGKILL');
    }
  });
});
