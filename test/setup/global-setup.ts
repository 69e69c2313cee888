import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startS3rver } from '../support/s3rver';
import { API_MAIN, freePort, ROOT, startNode, waitFor, WORKER_MAIN } from '../support/processes';
import { STACK_ENV_KEY, type StackInfo } from '../support/stack-info';

/**
 * One real stack for the whole run: PostgreSQL (a test database, migrated), Redis (a
 * queue prefix of this run), s3rver as the S3-compatible store, and the built api and
 * worker as child processes. Specs make their own tenants; nothing is truncated.
 */
export default async function globalSetup(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hivehub_test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  ensureDatabase(databaseUrl);
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/db/migrate.mjs')], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });

  for (const main of [API_MAIN, WORKER_MAIN]) {
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm test\` (it builds) or \`npm run build\` first`);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'hivehub-test-'));
  const bucket = 'hivehub-test';
  const s3 = await startS3rver({ dir: path.join(dir, 's3'), bucket });
  const apiPort = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `hhtest-${process.pid}`,
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    HEARTBEAT_INTERVAL_MS: '500',
    NODE_DEAD_AFTER_MS: '3000',
    LOG_LEVEL: 'warn',
    // Schedule specs fire per-second crons.
    BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS: '1',
  };
  const info: StackInfo = {
    dir,
    env,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    adminToken: randomBytes(24).toString('hex'),
    serviceKey: randomBytes(24).toString('hex'),
  };
  const api = startNode(API_MAIN, {
    ...env,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    DATA_DIR: path.join(dir, 'api'),
    ADMIN_TOKEN: info.adminToken,
    HUB_SERVICE_KEYS: `${info.serviceKey},${randomBytes(24).toString('hex')}`,
  }, path.join(dir, 'api.log'));
  const worker = startNode(WORKER_MAIN, { ...env, WORKER_PORT: '0', NODE_DATA_DIR: path.join(dir, 'node') }, path.join(dir, 'worker.log'));
  globalThis.__HIVEHUB_STACK__ = { s3, processes: [api, worker], dir };

  try {
    await waitFor('the api to be ready', async () => {
      for (const p of [api, worker]) if (p.child.exitCode !== null) throw new Error(`a process exited early:\n${p.log()}`);
      const res = await fetch(`${info.apiUrl}/health/ready`);
      return res.status === 200 ? true : undefined;
    }, 60_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- api log ---\n${api.log()}\n--- worker log ---\n${worker.log()}`);
  }
  process.env[STACK_ENV_KEY] = JSON.stringify(info);
}

function ensureDatabase(databaseUrl: string): void {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const script = `
    const { Client } = require('pg');
    (async () => {
      const c = new Client({ connectionString: ${JSON.stringify(admin.toString())} });
      await c.connect();
      const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [${JSON.stringify(name)}]);
      if (rowCount === 0) await c.query('CREATE DATABASE "${name.replace(/"/g, '')}"');
      await c.end();
    })().catch((e) => { console.error(e.message); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script], { cwd: ROOT, stdio: 'pipe' });
}
