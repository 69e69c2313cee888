import { readFileSync } from 'node:fs';
import { recallAtK } from './ground-truth';

/** One query by index into the query set; returns point ids, best first. */
export type SearchFn = (query: number) => Promise<ArrayLike<number>> | ArrayLike<number>;

export interface SweepPoint {
  knob: string;
  value: number;
  recall: number;
  /** Queries per second by number of concurrent clients ("1", "8"). */
  qps: Record<string, number>;
}

export interface SweepResult {
  points: SweepPoint[];
  /** The lowest setting reaching the target recall, else the best recall seen. */
  chosen: SweepPoint;
  reachedTarget: boolean;
}

export interface SweepOptions {
  knob: string;
  values: number[];
  /** Sets the knob before a point is measured. */
  apply: (value: number) => Promise<void> | void;
  search: SearchFn;
  truth: Int32Array;
  queries: number;
  concurrency: number[];
  target: number;
  minSeconds: number;
  /** false: measure every value even after the target is reached. */
  stopAtTarget: boolean;
  log: (line: string) => void;
}

/** Runs queries [0, count) with `clients` outstanding at once; results by query index. */
async function pass(search: SearchFn, count: number, clients: number): Promise<ArrayLike<number>[]> {
  const results: ArrayLike<number>[] = new Array(count);
  let next = 0;
  const client = async () => {
    while (next < count) {
      const q = next++;
      results[q] = await search(q);
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, client));
  return results;
}

/**
 * Whole passes over the query set until `minSeconds` have passed (at least one),
 * so fast engines are not timed on a few milliseconds.
 */
export async function timedQps(search: SearchFn, count: number, clients: number, minSeconds: number): Promise<{ qps: number; first: ArrayLike<number>[] }> {
  let first: ArrayLike<number>[] | undefined;
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    const results = await pass(search, count, clients);
    first ??= results;
    done += count;
    elapsed = (performance.now() - started) / 1000;
  } while (elapsed < minSeconds);
  return { qps: done / elapsed, first };
}

export async function sweep(o: SweepOptions): Promise<SweepResult> {
  const points: SweepPoint[] = [];
  for (const value of o.values) {
    await o.apply(value);
    await pass(o.search, Math.min(100, o.queries), 1); // warm-up: caches, JIT, connections
    const qps: Record<string, number> = {};
    let recall = NaN;
    for (const clients of o.concurrency) {
      const { qps: measured, first } = await timedQps(o.search, o.queries, clients, o.minSeconds);
      qps[String(clients)] = measured;
      if (Number.isNaN(recall)) recall = recallAtK(o.truth, first);
    }
    const point = { knob: o.knob, value, recall, qps };
    points.push(point);
    o.log(`  ${o.knob}=${value}: recall@10 ${recall.toFixed(4)}, ${Object.entries(qps).map(([c, v]) => `${c} client${c === '1' ? '' : 's'} ${v.toFixed(0)} QPS`).join(', ')}`);
    if (o.stopAtTarget && recall >= o.target) break;
  }
  const reached = points.find((p) => p.recall >= o.target);
  const best = points.reduce((a, b) => (b.recall > a.recall ? b : a));
  return { points, chosen: reached ?? best, reachedTarget: reached !== undefined };
}

/**
 * Alternates timed passes of two systems, `rounds` times each, and returns each one's
 * median QPS: on a shared machine, back-to-back alternation keeps a ratio honest where
 * two sweeps minutes apart would not.
 */
export async function interleavedQps(a: SearchFn, b: SearchFn, queries: number, rounds: number, minSeconds: number): Promise<[number, number]> {
  const qa: number[] = [];
  const qb: number[] = [];
  await pass(a, Math.min(100, queries), 1);
  await pass(b, Math.min(100, queries), 1);
  for (let r = 0; r < rounds; r++) {
    qa.push((await timedQps(a, queries, 1, minSeconds)).qps);
    qb.push((await timedQps(b, queries, 1, minSeconds)).qps);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [median(qa), median(qb)];
}

export function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** VmRSS of a process in bytes (Linux /proc), or undefined when it cannot be read. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const statFields = (pid: number | 'self') => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');

/** CPU time (user + system) a process has used, in µs (Linux /proc, CLK_TCK 100). */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** CPU time this process's exited (and waited-for) children have used, in µs. */
export function childrenCpuMicros(): number {
  const fields = statFields('self');
  return (Number(fields[13]) + Number(fields[14])) * 10_000;
}
