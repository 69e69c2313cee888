import { promises as fs } from 'node:fs';
import path from 'node:path';
import { call } from './client';
import { waitFor } from './processes';
import { stackInfo } from './stack-info';
import { randomVectors } from './vectors';

type Headers = Record<string, string>;

/** A collection of `count` points of `dim` dimensions with payloads; returns the points written. */
export async function seedCollection(headers: Headers, name: string, count: number, dim: number, seed = 1) {
  const created = await call('PUT', `/collections/${name}`, { headers, json: { vectors: { size: dim, distance: 'Cosine' } } });
  if (created.status !== 200) throw new Error(`creating ${name} answered ${created.status}: ${created.text}`);
  // Three decimals keep the JSON small; the values stay distinct enough for search.
  const vectors = randomVectors(count, dim, seed).map((v) => v.map((x) => Math.round(x * 1000) / 1000));
  const points = vectors.map((vector, id) => ({ id, vector, payload: { n: id, tag: id % 3 === 0 ? 'fizz' : 'plain', nested: { seed } } }));
  const batch = Math.max(1, Math.floor(400_000 / (dim * 7)));
  for (let i = 0; i < points.length; i += batch) {
    const res = await call('PUT', `/collections/${name}/points?wait=true`, { headers, json: { points: points.slice(i, i + batch) } });
    if (res.status !== 200) throw new Error(`upsert into ${name} answered ${res.status}: ${res.text}`);
  }
  return points;
}

/** Every point of a collection with vector and payload, by id: what "identical" is checked on. */
export async function snapshot(headers: Headers, name: string) {
  const points: { id: number; vector: number[]; payload: unknown }[] = [];
  let offset: unknown = undefined;
  do {
    const res = await call('POST', `/collections/${name}/points/scroll`, { headers, json: { limit: 1000, offset, with_vector: true, with_payload: true } });
    if (res.status !== 200) throw new Error(`scroll of ${name} answered ${res.status}: ${res.text}`);
    points.push(...res.body.result.points);
    offset = res.body.result.next_page_offset;
  } while (offset !== null && offset !== undefined);
  return points.sort((a, b) => a.id - b.id);
}

/** Ids and scores of the top 10 for a few queries. */
export async function searches(headers: Headers, name: string, queries: number[][]) {
  const results = [];
  for (const vector of queries) {
    const res = await call('POST', `/collections/${name}/points/search`, { headers, json: { vector, limit: 10 } });
    if (res.status !== 200) throw new Error(`search of ${name} answered ${res.status}: ${res.text}`);
    results.push(res.body.result.map((hit: { id: number; score: number }) => [hit.id, hit.score]));
  }
  return results;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** The backup or restore once it is terminal (or satisfies `until`). */
export async function waitForJob(headers: Headers, kind: 'backups' | 'restores', id: string, timeoutMs = 60_000, until = (b: any) => TERMINAL.includes(b.status)) {
  return waitFor(
    `${kind} ${id} to finish`,
    async () => {
      const res = await call('GET', `/api/hub/${kind}/${id}`, { headers });
      if (res.status !== 200) throw new Error(`GET ${kind}/${id} answered ${res.status}: ${res.text}`);
      return until(res.body) ? res.body : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Backs up and waits for the outcome. */
export async function backUp(headers: Headers, collections: string[] = ['*']) {
  const res = await call('POST', '/api/hub/backups', { headers, json: { collections } });
  if (res.status !== 202) throw new Error(`backup answered ${res.status}: ${res.text}`);
  return waitForJob(headers, 'backups', res.body.id);
}

export async function restore(headers: Headers, body: Record<string, unknown>) {
  const res = await call('POST', '/api/hub/backups/restore', { headers, json: body });
  if (res.status !== 202) throw new Error(`restore answered ${res.status}: ${res.text}`);
  return waitForJob(headers, 'restores', res.body.id);
}

/** Files s3rver keeps for the objects under a key prefix (its on-disk layout: `<key>._S3rver_object`). */
export async function storedObjects(keyPrefix: string): Promise<string[]> {
  const root = path.join(stackInfo().dir, 's3', 'hivehub-test', keyPrefix);
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name.endsWith('._S3rver_object')) found.push(full);
    }
  };
  await walk(root);
  return found.sort();
}
