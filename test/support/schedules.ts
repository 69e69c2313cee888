import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { call } from './client';
import { API_MAIN, freePort, ROOT, type RunningProcess, startNode, waitFor, WORKER_MAIN } from './processes';
import { stackInfo } from './stack-info';

type Headers = Record<string, string>;

/** Fires every second: the tests' cron (the test stack allows a 1 s minimum interval). */
export const EVERY_SECOND = '* * * * * *';

export async function createSchedule(headers: Headers, body: Record<string, unknown>, baseUrl?: string) {
  const res = await call('POST', '/api/hub/backup-schedules', { headers, json: { collections: ['*'], retention: { keep_last: 20 }, ...body }, baseUrl });
  if (res.status !== 201) throw new Error(`creating a schedule answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function patchSchedule(headers: Headers, id: string, body: Record<string, unknown>, baseUrl?: string) {
  const res = await call('PATCH', `/api/hub/backup-schedules/${id}`, { headers, json: body, baseUrl });
  if (res.status !== 200) throw new Error(`patching schedule ${id} answered ${res.status}: ${res.text}`);
  return res.body;
}

/** The schedule once `until` holds for it. */
export async function waitForSchedule(headers: Headers, id: string, until: (s: any) => boolean, timeoutMs = 20_000, baseUrl?: string) {
  return waitFor(`schedule ${id}`, async () => {
    const res = await call('GET', `/api/hub/backup-schedules/${id}`, { headers, baseUrl });
    return res.status === 200 && until(res.body) ? res.body : undefined;
  }, timeoutMs, 250);
}

/** The backups a schedule made, as listed in /api/hub/backups. */
export async function scheduledBackups(headers: Headers, scheduleId: string, baseUrl?: string): Promise<any[]> {
  const res = await call('GET', '/api/hub/backups?limit=500', { headers, baseUrl });
  if (res.status !== 200) throw new Error(`listing backups answered ${res.status}: ${res.text}`);
  return res.body.backups.filter((b: { schedule_id: string | null }) => b.schedule_id === scheduleId);
}

/** The slot a scheduled backup stands for (its name says it). */
export function slotOf(backup: { name: string }): number {
  const match = /^scheduled (.+)$/.exec(backup.name);
  if (!match) throw new Error(`not a scheduled backup's name: ${backup.name}`);
  return Date.parse(match[1]);
}

/** Waits until the schedule has made at least `count` backups; returns them. */
export async function waitForScheduledBackups(headers: Headers, scheduleId: string, count: number, timeoutMs = 30_000, baseUrl?: string) {
  return waitFor(`${count} backups of schedule ${scheduleId}`, async () => {
    const found = await scheduledBackups(headers, scheduleId, baseUrl);
    return found.length >= count ? found : undefined;
  }, timeoutMs, 250);
}

export interface ApiProcess {
  url: string;
  process: RunningProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts one more api process with the stack's environment (plus `env`) and waits until
 * `probe` answers 200 (readiness; `/health` for a process meant to lack a dependency).
 */
export async function startApi(label: string, env: Record<string, string> = {}, probe = '/health/ready'): Promise<ApiProcess> {
  const { dir } = stackInfo();
  const port = await freePort();
  const proc = startNode(
    API_MAIN,
    { ...stackInfo().env, API_HOST: '127.0.0.1', API_PORT: String(port), DATA_DIR: path.join(dir, `api-${label}`), ...env },
    path.join(dir, `api-${label}.log`),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`api ${label} to be ready`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`api ${label} exited:\n${proc.log()}`);
    return (await fetch(`${url}${probe}`)).status === 200 ? true : undefined;
  }, 60_000);
  return { url, process: proc, stop: (signal) => proc.stop(signal) };
}

/**
 * A cluster of its own beside the test stack: its own database (created, migrated,
 * dropped by stop()), queue prefix, worker and api, sharing only PostgreSQL's server,
 * Redis' server and object storage. Its api can be stopped with no other api process
 * left to take ticks.
 */
export async function isolatedCluster(label: string) {
  const { env, dir } = stackInfo();
  const db = new URL(env.DATABASE_URL);
  const dbName = `${db.pathname.slice(1)}_iso_${randomUUID().slice(0, 8)}`;
  db.pathname = `/${dbName}`;
  const databaseUrl = db.toString();
  for (const script of ['scripts/lib/ensure-database.mjs', 'scripts/db/migrate.mjs']) {
    execFileSync(process.execPath, [path.join(ROOT, script)], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'pipe' });
  }
  const adminToken = randomBytes(24).toString('hex');
  const clusterEnv = { DATABASE_URL: databaseUrl, QUEUE_PREFIX: `${env.QUEUE_PREFIX}-${label}-${randomUUID().slice(0, 8)}` };
  const worker = startNode(WORKER_MAIN, { ...env, ...clusterEnv, WORKER_PORT: '0', NODE_DATA_DIR: path.join(dir, `node-${label}`) }, path.join(dir, `worker-${label}.log`));
  let runs = 0;
  const start = () => startApi(`${label}-${++runs}`, { ...clusterEnv, ADMIN_TOKEN: adminToken });
  let api = await start();
  return {
    admin: { authorization: `Bearer ${adminToken}` },
    url: () => api.url,
    api: () => api,
    restartApi: async () => {
      api = await start();
      return api;
    },
    stop: async () => {
      await api.stop();
      await worker.stop();
      const maintenance = new URL(env.DATABASE_URL);
      maintenance.pathname = '/postgres';
      const client = new Client({ connectionString: maintenance.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
