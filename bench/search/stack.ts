import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, ROOT, type RunningProcess, startNode, waitFor } from '../../test/support/processes';
import { HttpJson } from './http-client';

/**
 * The real stack for the HTTP measurement, started like test/setup/global-setup.ts
 * does: database hivehub_bench (created, migrated), Redis under a queue prefix of this
 * run, filesystem object storage in the scratch dir, the built api and worker as
 * child processes, and a fresh tenant with a key made through the admin API.
 */
export interface Stack {
  http: HttpJson;
  apiUrl: string;
  tenantKey: string;
  tenantId: string;
  /** The worker's internal data API and its bearer token, to time the node without the api. */
  nodeUrl: string;
  nodeToken: string;
  worker: RunningProcess;
  /** Runs full garbage collections in the worker (bench/search/gc-on-request.js); resolves when they are done. */
  collectWorkerGarbage(): Promise<void>;
  api: RunningProcess;
  stop(): Promise<void>;
}

/** A build of apps/ and libs/: the api's and the worker's main files. */
export interface Build {
  dir: string;
  apiMain: string;
  workerMain: string;
}

const buildAt = (dir: string): Build => ({
  dir,
  apiMain: path.join(dir, 'apps/api/src/main.js'),
  workerMain: path.join(dir, 'apps/worker/src/main.js'),
});
const complete = (b: Build) => [b.apiMain, b.workerMain, path.join(b.dir, 'libs/shard/src/index.js')].every((f) => existsSync(f));
const PRIVATE_BUILD = path.join(ROOT, 'bench/.build');

/**
 * The build to start. By default the current source is compiled, as `npm run build`
 * does (tsc + tsc-alias), into bench/.build: dist/ may be stale while others work,
 * and rewriting dist/ under their feet could break their test runs. `useDist` starts
 * dist/ as it is. Returns why there is none when the source does not compile (a
 * half-written change) and dist/ lacks the shard engine.
 */
export function chooseBuild(useDist: boolean, log: (line: string) => void): Build | string {
  const dist = buildAt(path.join(ROOT, 'dist'));
  if (useDist) return complete(dist) ? dist : 'shard engine not built yet (dist/ has no libs/shard: run `npm run build`)';
  log('compiling apps/ and libs/ into bench/.build (tsc + tsc-alias)...');
  rmSync(PRIVATE_BUILD, { recursive: true, force: true });
  try {
    const run = (bin: string) =>
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', bin), '-p', 'tsconfig.build.json', '--outDir', 'bench/.build'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
    run('typescript/bin/tsc');
    run('tsc-alias/dist/bin/index.js');
    if (complete(buildAt(PRIVATE_BUILD))) return buildAt(PRIVATE_BUILD);
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    log(`  the source does not compile right now:\n${String(e.stdout ?? '').slice(0, 2000)}${String(e.stderr ?? '').slice(0, 1000)}`);
  }
  rmSync(PRIVATE_BUILD, { recursive: true, force: true });
  if (complete(dist)) {
    log('  falling back to dist/ as it is');
    return dist;
  }
  return 'shard engine not built yet (the source does not compile and dist/ has no libs/shard)';
}

async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/db/migrate.mjs')], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });
}

export async function startStack(build: Build, dir: string, maxVectors: number, log: (line: string) => void): Promise<Stack> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hivehub_bench';
  await ensureDatabase(databaseUrl);
  mkdirSync(dir, { recursive: true });
  const apiPort = await freePort();
  const workerPort = await freePort();
  const gcPort = await freePort();
  const adminToken = randomBytes(24).toString('hex');
  const nodeToken = randomBytes(24).toString('hex');
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `hhbench-${process.pid}`,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: path.join(dir, 'storage'),
    HEARTBEAT_INTERVAL_MS: '500',
    NODE_DEAD_AFTER_MS: '3000',
    NODE_TOKEN: nodeToken,
    LOG_LEVEL: 'warn',
  };
  const api = startNode(build.apiMain, {
    ...env,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    DATA_DIR: path.join(dir, 'api'),
    ADMIN_TOKEN: adminToken,
  }, path.join(dir, 'api.log'));
  // gc-on-request.js: a request to gcPort makes the worker collect its garbage (the memory figures).
  const worker = startNode(
    build.workerMain,
    {
      ...env,
      WORKER_PORT: String(workerPort),
      NODE_DATA_DIR: path.join(dir, 'node'),
      NODE_OPTIONS: `--require ${path.join(ROOT, 'bench/search/gc-on-request.js')}`,
      BENCH_GC_PORT: String(gcPort),
    },
    path.join(dir, 'worker.log'),
  );
  const gcClient = new HttpJson(`http://127.0.0.1:${gcPort}`);
  const collectWorkerGarbage = async () => {
    const res = await gcClient.send('GET', '/');
    if (res.status !== 200) throw new Error(`the worker's garbage collection answered ${res.status}`);
  };
  const killOnExit = () => [api, worker].forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    gcClient.close();
    await Promise.all([api, worker].map(async (p) => {
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
      await p.stop();
      clearTimeout(timer);
    }));
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const http = new HttpJson(apiUrl);
  try {
    await waitFor('the api to be ready', async () => {
      for (const p of [api, worker]) if (p.child.exitCode !== null) throw new Error(`a process exited early:\n${p.log().slice(-3000)}`);
      return (await http.send('GET', '/health/ready')).status === 200 ? true : undefined;
    }, 60_000);
    const adminAuth = { authorization: `Bearer ${adminToken}` };
    const tenant = await http.send('POST', '/admin/tenants', { name: `bench-${randomUUID()}`, plan: { max_vectors: maxVectors } }, adminAuth);
    if (tenant.status !== 201) throw new Error(`creating a tenant answered ${tenant.status}: ${tenant.text}`);
    const key = await http.send('POST', `/admin/tenants/${tenant.body.id}/api-keys`, { name: 'bench' }, adminAuth);
    if (key.status !== 201) throw new Error(`creating a key answered ${key.status}: ${key.text}`);
    log(`  stack up (${path.relative(ROOT, build.dir)}): api ${apiUrl} (pid ${api.child.pid}), worker pid ${worker.child.pid}, tenant ${tenant.body.id}`);
    return { http, apiUrl, tenantKey: key.body.key, tenantId: tenant.body.id, nodeUrl: `http://127.0.0.1:${workerPort}`, nodeToken, worker, collectWorkerGarbage, api, stop };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- api log ---\n${api.log().slice(-3000)}\n--- worker log ---\n${worker.log().slice(-3000)}`);
  }
}
