import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { backUp, seedCollection } from './support/backups';
import { admin, bearer, call, tenantWithKey } from './support/client';
import { sample } from './support/metrics';
import { startNode, waitFor, WORKER_MAIN } from './support/processes';
import { stackInfo } from './support/stack-info';

async function scrapeApi(): Promise<string> {
  const res = await call('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return res.text;
}

async function liveNodes(): Promise<{ id: string; address: string }[]> {
  const res = await call('GET', '/admin/nodes', { headers: admin() });
  return (res.body.nodes as { id: string; address: string; alive: boolean }[]).filter((n) => n.alive);
}

describe('Prometheus metrics', () => {
  it("exposes the operators' guide series on the api, with the cluster's live state", async () => {
    await call('GET', '/health');
    const text = await scrapeApi();
    const [node] = await liveNodes();
    expect(sample(text, `vectorizer_node_healthy{node="${node.id}"}`)).toBe(1);
    expect(sample(text, 'vectorizer_replication_lag_seconds')).toBe(0);
    expect(sample(text, 'vectorizer_failover_total')).toBe(0);
    expect(sample(text, `hivehub_queue_depth{queue="jobs-${node.id}"}`)).toBeGreaterThanOrEqual(0);
    // Routes are labelled by template, so ids never become series.
    expect(sample(text, 'hivehub_http_request_duration_seconds_count{method="GET",route="/health",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('labels requests by route template, never by the ids in the path', async () => {
    const { key } = await tenantWithKey();
    const name = `c-${randomUUID()}`;
    expect((await call('PUT', `/collections/${name}`, { headers: bearer(key), json: { vectors: { size: 2, distance: 'Dot' } } })).status).toBe(200);
    const text = await scrapeApi();
    expect(sample(text, 'hivehub_http_request_duration_seconds_count{method="PUT",route="/collections/:name",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(name);
  });

  it('reports a dead node as unhealthy', async () => {
    const nodeId = `m-${randomUUID().slice(0, 8)}`;
    const { env, dir } = stackInfo();
    const worker = startNode(
      WORKER_MAIN,
      { ...env, NODE_ID: nodeId, WORKER_PORT: '0', NODE_DATA_DIR: path.join(dir, nodeId), WORKER_SCHEDULABLE: 'false' },
      path.join(dir, `${nodeId}.log`),
    );
    try {
      await waitFor('the node to be healthy', async () => (sample(await scrapeApi(), `vectorizer_node_healthy{node="${nodeId}"}`) === 1 ? true : undefined));
      worker.child.kill('SIGKILL');
      await worker.exited;
      await waitFor('the node to be unhealthy', async () => (sample(await scrapeApi(), `vectorizer_node_healthy{node="${nodeId}"}`) === 0 ? true : undefined), 10_000);
    } finally {
      worker.child.kill('SIGKILL');
      await worker.exited;
      await call('DELETE', `/admin/nodes/${nodeId}`, { headers: admin() });
    }
  });

  it("exposes the shard operations and jobs of the tenant's node on its internal port", async () => {
    const { tenant, key } = await tenantWithKey();
    expect((await call('PUT', '/collections/docs', { headers: bearer(key), json: { vectors: { size: 2, distance: 'Dot' } } })).status).toBe(200);
    const placement = await call('GET', `/admin/tenants/${tenant.id}/placement`, { headers: admin() });
    const node = (await liveNodes()).find((n) => n.id === placement.body.node_id)!;
    expect((await call('POST', `/admin/nodes/${node.id}/ping`, { headers: admin() })).status).toBe(200);

    const res = await fetch(`${node.address}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'hivehub_job_duration_seconds_count{job="node.ping",outcome="completed"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'hivehub_shard_op_duration_seconds_count{op="createCollection",status="200"}')).toBeGreaterThanOrEqual(1);
  });

  it("exposes a tenant's last successful backup time on the api, and the backup's bytes and job on its node", async () => {
    const { tenant, key } = await tenantWithKey();
    const headers = bearer(key);
    expect(sample(await scrapeApi(), `vectorizer_last_backup_timestamp{tenant="${tenant.id}"}`)).toBeUndefined();
    await seedCollection(headers, 'docs', 50, 8);
    const backup = await backUp(headers);
    expect(backup.status).toBe('succeeded');
    const stamp = sample(await scrapeApi(), `vectorizer_last_backup_timestamp{tenant="${tenant.id}"}`);
    expect(stamp).toBeCloseTo(Date.parse(backup.finished_at) / 1000, 2);

    const placement = await call('GET', `/admin/tenants/${tenant.id}/placement`, { headers: admin() });
    const node = (await liveNodes()).find((n) => n.id === placement.body.node_id)!;
    const text = await (await fetch(`${node.address}/metrics`)).text();
    expect(sample(text, 'hivehub_backup_transfer_bytes_total{direction="backup"}')).toBeGreaterThanOrEqual(backup.size_bytes);
    expect(sample(text, 'hivehub_job_duration_seconds_count{job="backup.create",outcome="completed"}')).toBeGreaterThanOrEqual(1);
  });

  it("does not count an uploaded archive as the uploader's last backup (its live data is not backed up)", async () => {
    const source = await tenantWithKey();
    const uploader = await tenantWithKey();
    await seedCollection(bearer(source.key), 'docs', 20, 4);
    const backup = await backUp(bearer(source.key));
    const archive = await fetch(`${stackInfo().apiUrl}/api/hub/backups/${backup.id}/download`, { headers: bearer(source.key) });
    const uploaded = await fetch(`${stackInfo().apiUrl}/api/hub/backups/upload`, {
      method: 'POST',
      headers: { ...bearer(uploader.key), 'content-type': 'application/gzip' },
      body: Buffer.from(await archive.arrayBuffer()),
    });
    expect(uploaded.status).toBe(201);
    const text = await scrapeApi();
    expect(sample(text, `vectorizer_last_backup_timestamp{tenant="${source.tenant.id}"}`)).toBeCloseTo(Date.parse(backup.finished_at) / 1000, 2);
    expect(sample(text, `vectorizer_last_backup_timestamp{tenant="${uploader.tenant.id}"}`)).toBeUndefined();
  });
});
