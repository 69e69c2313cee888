import { execFile } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { API_MAIN, freePort, startNode, waitFor, WORKER_MAIN } from './support/processes';
import { stackInfo } from './support/stack-info';

describe('process start-up', () => {
  it('stops the api with a message naming every bad setting, without echoing secrets', async () => {
    const { env, dir } = stackInfo();
    const api = startNode(API_MAIN, {
      ...env,
      API_PORT: 'eighty',
      DATABASE_URL: 'mysql://nope',
      ADMIN_TOKEN: 'short-secret',
      STORAGE_DRIVER: 's3',
      S3_BUCKET: '',
    }, path.join(dir, `bad-config-${randomUUID()}.log`));
    expect(await api.exited).toBe(1);
    const log = api.log();
    for (const key of ['API_PORT', 'DATABASE_URL', 'ADMIN_TOKEN', 'S3_BUCKET']) expect(log).toContain(key);
    expect(log).not.toContain('short-secret');
  });

  it('stops the worker on a bad setting too', async () => {
    const { env, dir } = stackInfo();
    const worker = startNode(WORKER_MAIN, { ...env, HEARTBEAT_INTERVAL_MS: '5000', NODE_DEAD_AFTER_MS: '1000', WORKER_PORT: '-1' }, path.join(dir, `bad-worker-${randomUUID()}.log`));
    expect(await worker.exited).toBe(1);
    expect(worker.log()).toContain('NODE_DEAD_AFTER_MS');
    expect(worker.log()).toContain('WORKER_PORT');
  });

  it('npm start refuses a port something already answers on, naming it and the setting', async () => {
    const { env } = stackInfo();
    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    const workerPort = (busy.address() as { port: number }).port;
    const apiPort = await freePort();
    try {
      const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile('bash', ['scripts/start.sh'], { env: { ...process.env, ...env, START_SKIP_SETUP: '1', API_PORT: String(apiPort), WORKER_PORT: String(workerPort) } }, (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
        );
        child.stdin?.end();
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${workerPort} is already in use`);
      expect(run.stderr).toContain('WORKER_PORT');
      // Nothing was started on the free port.
      await expect(fetch(`http://127.0.0.1:${apiPort}/health`)).rejects.toThrow();
    } finally {
      busy.close();
    }
  });

  it('generates an admin token on first start when ADMIN_TOKEN is unset, and keeps it', async () => {
    const { env, dir } = stackInfo();
    const dataDir = path.join(dir, `fresh-${randomUUID()}`);
    const port = await freePort();
    const start = () =>
      startNode(API_MAIN, { ...env, API_HOST: '127.0.0.1', API_PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'log' }, path.join(dataDir, '..', `${path.basename(dataDir)}.log`));
    let api = start();
    try {
      const tokenFile = path.join(dataDir, 'admin-token');
      await waitFor('the api to listen', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined));
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(api.log()).toContain(tokenFile);
      expect(api.log()).not.toContain(token);
      const withToken = await fetch(`http://127.0.0.1:${port}/admin/tenants`, { headers: { authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(200);

      await api.stop();
      api = start();
      await waitFor('the api to listen again', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined));
      expect(readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    } finally {
      await api.stop();
    }
  });
});
