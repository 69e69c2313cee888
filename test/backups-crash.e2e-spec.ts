import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { admin, bearer, call, createKey, createTenant } from './support/client';
import { type RunningProcess, startNode, waitFor, WORKER_MAIN } from './support/processes';
import { stackInfo } from './support/stack-info';
import { restore, seedCollection, snapshot, storedObjects, waitForJob } from './support/backups';
import { startThrottledProxy } from './support/throttled-proxy';

/** A few MB through a 1 MB/s link: each backup or restore runs for seconds. */
const DATA = { count: 8000, dim: 128 };
const LINK_BYTES_PER_SECOND = 1024 * 1024;

/**
 * A worker node of its own whose object storage is reached through a slow link, and
 * a tenant with a key placed on it: long enough jobs to kill or cancel mid-way.
 */
async function slowNode() {
  const { env, dir } = stackInfo();
  const proxy = await startThrottledProxy(env.S3_ENDPOINT, LINK_BYTES_PER_SECOND);
  const nodeId = `bk-slow-${randomUUID().slice(0, 8)}`;
  let runs = 0;
  let worker: RunningProcess | undefined;
  const registration = async (after?: string) =>
    waitFor('the slow node to register', async () => {
      const res = await call('GET', `/admin/nodes/${nodeId}`, { headers: admin() });
      return res.status === 200 && res.body.alive && res.body.started_at !== after ? (res.body.started_at as string) : undefined;
    }, 30_000);
  const start = async (after?: string) => {
    runs += 1;
    const nodeEnv = { ...env, S3_ENDPOINT: proxy.endpoint, NODE_ID: nodeId, WORKER_PORT: '0', NODE_DATA_DIR: path.join(dir, nodeId), WORKER_SCHEDULABLE: 'false' };
    worker = startNode(WORKER_MAIN, nodeEnv, path.join(dir, `${nodeId}-${runs}.log`));
    return registration(after);
  };
  const startedAt = await start();
  const tenant = await createTenant();
  const headers = bearer((await createKey(tenant.id)).key);
  expect((await call('PUT', `/admin/tenants/${tenant.id}/placement`, { headers: admin(), json: { node_id: nodeId } })).status).toBe(200);
  return {
    tenant,
    headers,
    startedAt,
    dataDir: path.join(dir, nodeId),
    worker: () => worker!,
    restart: (after: string) => start(after),
    stop: async () => {
      await worker?.stop('SIGKILL');
      await proxy.stop();
    },
  };
}

describe('backups under crash and cancel', () => {
  it('survives kill -9 of the worker mid-backup: the job is retried and completes, never a partial success', async () => {
    const node = await slowNode();
    try {
      const { headers } = node;
      await seedCollection(headers, 'big', DATA.count, DATA.dim);
      const original = await snapshot(headers, 'big');

      const created = await call('POST', '/api/hub/backups', { headers, json: { collections: ['*'] } });
      expect(created.status).toBe(202);
      await waitForJob(headers, 'backups', created.body.id, 30_000, (b) => b.status === 'running' && b.bytes_done > 0);
      node.worker().child.kill('SIGKILL');
      await node.worker().exited;
      const meanwhile = await call('GET', `/api/hub/backups/${created.body.id}`, { headers });
      expect(meanwhile.body.status).toBe('running');

      await node.restart(node.startedAt);
      const done = await waitForJob(headers, 'backups', created.body.id, 90_000);
      expect(done).toMatchObject({ status: 'succeeded', vectors: DATA.count, error: null });
      expect(done.attempts).toBe(2);
      const listed = await call('GET', '/api/hub/backups', { headers });
      expect(listed.body.backups.map((b: { id: string; status: string }) => [b.id, b.status])).toEqual([[created.body.id, 'succeeded']]);

      const restored = await restore(headers, { backup_id: created.body.id, target_prefix: 'r_' });
      expect(restored.status).toBe('succeeded');
      expect(await snapshot(headers, 'r_big')).toEqual(original);
    } finally {
      await node.stop();
    }
  }, 180_000);

  it('cancels a queued backup at once and a running one within seconds, leaving no objects', async () => {
    const node = await slowNode();
    try {
      const { headers, tenant } = node;
      await seedCollection(headers, 'big', DATA.count, DATA.dim);
      const running = (await call('POST', '/api/hub/backups', { headers, json: { collections: ['*'] } })).body;
      // One job per shard at a time: the second waits, queued, while the first runs.
      const waiting = (await call('POST', '/api/hub/backups', { headers, json: { collections: ['big'] } })).body;
      await waitForJob(headers, 'backups', running.id, 30_000, (b) => b.status === 'running' && b.bytes_done > 0);
      expect((await call('GET', `/api/hub/backups/${waiting.id}`, { headers })).body.status).toBe('queued');
      const cancelledQueued = await call('POST', `/api/hub/backups/${waiting.id}/cancel`, { headers });
      expect(cancelledQueued.status).toBe(202);
      expect(cancelledQueued.body.status).toBe('cancelled');

      const asked = Date.now();
      const cancelRunning = await call('POST', `/api/hub/backups/${running.id}/cancel`, { headers });
      expect(cancelRunning.status).toBe(202);
      expect(cancelRunning.body.cancel_requested).toBe(true);
      const stopped = await waitForJob(headers, 'backups', running.id, 15_000);
      expect(stopped.status).toBe('cancelled');
      expect(Date.now() - asked).toBeLessThan(5000);
      expect(await storedObjects(`tenants/${tenant.id}/backups/${running.id}`)).toEqual([]);
      expect((await call('POST', `/api/hub/backups/${running.id}/cancel`, { headers })).status).toBe(409);
      expect((await call('GET', `/api/hub/backups/${waiting.id}`, { headers })).body.status).toBe('cancelled');
    } finally {
      await node.stop();
    }
  }, 120_000);

  it('cancels a running restore before it commits, leaving the live collections as they were', async () => {
    const node = await slowNode();
    try {
      const { headers } = node;
      await seedCollection(headers, 'big', DATA.count, DATA.dim);
      const backup = (await call('POST', '/api/hub/backups', { headers, json: { collections: ['*'] } })).body;
      expect((await waitForJob(headers, 'backups', backup.id, 60_000)).status).toBe('succeeded');

      const started = (await call('POST', '/api/hub/backups/restore', { headers, json: { backup_id: backup.id, target_prefix: 'r_' } })).body;
      await waitForJob(headers, 'restores', started.id, 30_000, (r) => r.status === 'running' && r.bytes_done > 0);
      const asked = await call('POST', `/api/hub/restores/${started.id}/cancel`, { headers });
      expect(asked.status).toBe(202);
      const stopped = await waitForJob(headers, 'restores', started.id, 15_000);
      expect(stopped.status).toBe('cancelled');
      const names = (await call('GET', '/collections', { headers })).body.result.collections.map((c: { name: string }) => c.name);
      expect(names).toEqual(['big']);
      // The staging dir the download went to is gone too.
      const leftovers = (await readdir(node.dataDir, { recursive: true })).filter((p) => p.includes('.staging-'));
      expect(leftovers).toEqual([]);
    } finally {
      await node.stop();
    }
  }, 120_000);
});
