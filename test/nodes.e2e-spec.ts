import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { admin, call } from './support/client';
import { startNode, waitFor, WORKER_MAIN } from './support/processes';
import { stackInfo } from './support/stack-info';

function startWorker(nodeId: string, dataDir: string) {
  const { env, dir } = stackInfo();
  // Cordoned, so tenants of concurrently running specs are never placed on it.
  return startNode(WORKER_MAIN, { ...env, NODE_ID: nodeId, WORKER_PORT: '0', NODE_DATA_DIR: dataDir, WORKER_SCHEDULABLE: 'false' }, path.join(dir, `${nodeId}.log`));
}

async function nodeView(nodeId: string) {
  const res = await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() });
  return res.status === 200 ? res.body : undefined;
}

describe('worker nodes', () => {
  it('registers, consumes its own queue, is seen dead after the timeout, and comes back as itself', async () => {
    const nodeId = `n-${randomUUID().slice(0, 8)}`;
    const dataDir = path.join(stackInfo().dir, nodeId);
    const worker = startWorker(nodeId, dataDir);
    try {
      const registered = await waitFor('the node to register', async () => ((await nodeView(nodeId))?.alive ? nodeView(nodeId) : undefined));
      expect(registered).toMatchObject({ id: nodeId, alive: true, schedulable: false, data_dir: dataDir, address: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      const internal = await fetch(`${registered.address}/health`);
      expect(await internal.json()).toMatchObject({ status: 'ok', node_id: nodeId });

      const ping = await call('POST', `/admin/nodes/${nodeId}/ping`, { headers: admin() });
      expect(ping.status).toBe(200);
      expect(ping.body.result.node_id).toBe(nodeId);

      worker.child.kill('SIGKILL');
      await worker.exited;
      const dead = await waitFor('the node to be seen dead', async () => ((await nodeView(nodeId))?.alive === false ? true : undefined), 10_000);
      expect(dead).toBe(true);
      const refused = await call('POST', `/admin/nodes/${nodeId}/ping`, { headers: admin() });
      expect(refused.status).toBe(503);
      expect(refused.body.error.message).toContain('not alive');
    } finally {
      await worker.stop('SIGKILL');
    }

    // Restarted without NODE_ID, the data dir makes it the same node again.
    const { env, dir } = stackInfo();
    const again = startNode(WORKER_MAIN, { ...env, WORKER_PORT: '0', NODE_DATA_DIR: dataDir, WORKER_SCHEDULABLE: 'false' }, path.join(dir, `${nodeId}-again.log`));
    try {
      await waitFor('the node to come back alive', async () => ((await nodeView(nodeId))?.alive ? true : undefined));
      expect((await call('POST', `/admin/nodes/${nodeId}/ping`, { headers: admin() })).status).toBe(200);
      expect((await call('DELETE', `/admin/nodes/${nodeId}`, { headers: admin() })).status).toBe(409);
    } finally {
      await again.stop();
    }
    await waitFor('the node to be seen dead again', async () => ((await nodeView(nodeId))?.alive === false ? true : undefined), 10_000);
    expect((await call('DELETE', `/admin/nodes/${nodeId}`, { headers: admin() })).status).toBe(204);
    expect((await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() })).status).toBe(404);
  });

  it('refuses a NODE_ID that contradicts the data dir', async () => {
    const dataDir = path.join(stackInfo().dir, `owned-${randomUUID().slice(0, 8)}`);
    const first = startWorker('owner-a', dataDir);
    await waitFor('the first worker to register', async () => ((await nodeView('owner-a'))?.alive ? true : undefined));
    await first.stop();
    const second = startWorker('owner-b', dataDir);
    expect(await second.exited).toBe(1);
    expect(second.log()).toContain('belongs to node owner-a');
  });

  it('answers 404 for an unknown node', async () => {
    expect((await call('GET', '/admin/nodes/no-such-node', { headers: admin() })).status).toBe(404);
    expect((await call('POST', '/admin/nodes/no-such-node/ping', { headers: admin() })).status).toBe(404);
  });
});
