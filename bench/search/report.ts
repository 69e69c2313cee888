import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatasetParams } from './dataset';
import type { HopFigures } from './floor-probe';
import type { SweepPoint } from './measure';
import type { Ceiling } from './runners/http';
import type { SystemResult } from './runners/types';
import type { WrkFigures } from './wrk';

export interface Ratio {
  name: string;
  value?: number;
  /** e.g. ">= 0.9"; absent for figures shown for information only. */
  target?: string;
  pass?: boolean;
  /** What was divided by what, or why the ratio is missing. */
  how: string;
}

export interface Report {
  date: string;
  machine: { nproc: number; cpu: string; ramGiB: number; node: string; loadavgAtStart: number[]; loadavgAtEnd: number[] };
  command: string;
  dataset: DatasetParams;
  recallTarget: number;
  minSecondsPerMeasurement: number;
  groundTruthSeconds: number;
  systems: SystemResult[];
  ratios: Ratio[];
}

const LABELS: Record<string, string> = {
  hnswlib: '(c) hnswlib-node, in-process',
  shard: '(b) libs/shard engine, in-process',
  http: '(a) HTTP api -> node -> shard',
  lancedb: '(d) LanceDB embedded, IVF_HNSW_SQ',
  pgvector: '(e) pgvector HNSW in PGlite (WASM)',
};

function cpuModel(): string {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

const loadavgAtStart = os.loadavg();
const ok = (systems: SystemResult[], name: string) => systems.find((s) => s.name === name && s.status === 'ok');
const chosen = (s?: SystemResult): SweepPoint | undefined => s?.sweep?.chosen;

/**
 * The HTTP stack against LanceDB at matching recall: at the recall target when LanceDB
 * reaches it, else at the best recall LanceDB reaches (the HTTP stack's lowest setting
 * reaching that recall), so neither is credited for a recall it does not deliver.
 */
function httpAgainstLance(http?: SystemResult, lance?: SystemResult): { http8?: number; lance?: number; recall?: number } {
  const lanceAt = chosen(lance);
  if (!lanceAt || !http?.sweep) return {};
  const lanceQps = Math.max(...Object.values(lanceAt.qps));
  if (lance!.sweep!.reachedTarget) return { http8: chosen(http)?.qps['8'], lance: lanceQps };
  const httpAt = http.sweep.points.filter((p) => p.recall >= lanceAt.recall).sort((a, b) => a.value - b.value)[0];
  return { http8: httpAt?.qps['8'], lance: lanceQps, recall: lanceAt.recall };
}

function ratio(name: string, num: number | undefined, den: number | undefined, how: string, target?: { min?: number; max?: number }): Ratio {
  const shown = target?.min !== undefined ? `>= ${target.min}` : target?.max !== undefined ? `<= ${target.max}` : undefined;
  if (num === undefined || den === undefined || !(den > 0)) return { name, target: shown, how: `not measured: ${how}` };
  const value = num / den;
  const pass = target?.min !== undefined ? value >= target.min : target?.max !== undefined ? value <= target.max : undefined;
  return { name, value, target: shown, pass, how };
}

interface MemoryDetails {
  rssBefore?: number;
  rssAfterLoad?: number;
  rssAfterSearch?: number;
  /** Bytes a point: the slope of the worker's memory over the second half of the load (runners/http.ts). */
  memorySlope?: number;
  memorySamples?: unknown[];
  points?: number;
}

export function computeRatios(systems: SystemResult[]): Ratio[] {
  const hnsw = ok(systems, 'hnswlib');
  const shard = ok(systems, 'shard');
  const http = ok(systems, 'http');
  const lance = ok(systems, 'lancedb');
  const shardQps = chosen(shard)?.qps['1'];
  const http8 = chosen(http)?.qps['8'];
  const versusLance = httpAgainstLance(http, lance);
  const h = http?.details as MemoryDetails | undefined;
  const rssDelta = h?.rssBefore !== undefined && h.rssAfterLoad !== undefined ? h.rssAfterLoad - h.rssBefore : undefined;
  const indexBytes = (hnsw?.details as { indexFileBytes?: number } | undefined)?.indexFileBytes;
  const perPoint = h?.memorySlope;
  const indexPerPoint = indexBytes === undefined || !h?.points ? undefined : indexBytes / h.points;
  const h2h = (shard?.details as { headToHead?: { shardEf: number; hnswlibEf: number; shardQps: number; hnswlibQps: number } } | undefined)?.headToHead;
  const reload = (shard?.details as { reloadSeconds?: number } | undefined)?.reloadSeconds;
  const engineRssGrowth = (shard?.details as { rssGrowth?: number } | undefined)?.rssGrowth;
  const ceiling = (http?.details as { ceiling?: Ceiling } | undefined)?.ceiling;
  const wrk = (http?.details as { wrk?: WrkFigures & { ef: number; engineAround?: { before: number; after: number } } } | undefined)?.wrk;
  const around = wrk?.engineAround;
  const lanceQps = versusLance.lance;
  return [
    h2h
      ? ratio('engine / raw hnswlib (QPS, 1 client)', h2h.shardQps, h2h.hnswlibQps, `shard / hnswlib-node in-process QPS, each at its lowest ef reaching the recall target (${h2h.shardEf} / ${h2h.hnswlibEf}), medians of 3 alternating rounds`, { min: 0.9 })
      : ratio('engine / raw hnswlib (QPS, 1 client)', shardQps, chosen(hnsw)?.qps['1'], 'shard in-process QPS / hnswlib-node QPS, each at its lowest ef reaching the recall target, from the sweeps', { min: 0.9 }),
    around
      ? ratio('http 8 clients (wrk) / in-process engine', wrk?.qps, (around.before + around.after) / 2, `HTTP QPS with wrk keeping 8 requests outstanding / the shard engine's in-process QPS timed right before and after it (mean of ${fmt(around.before)} and ${fmt(around.after)}), so the VM's drift between runs does not move the ratio`, { min: 0.5 })
      : ratio('http 8 clients (wrk) / in-process engine', wrk?.qps, shardQps, 'HTTP QPS with wrk keeping 8 requests outstanding / shard in-process QPS from its sweep', { min: 0.5 }),
    ratio('two bare HTTP hops, 8 clients (wrk) / in-process engine', ceiling?.wrk?.twoHops.qps, shardQps, 'wrk through two bare HTTP hops (node:http servers, the proxy forwarding with the api\'s client to nodes; no auth, no validation) to a node spending the engine\'s search time in CPU per answer / shard in-process QPS (information: the ceiling of the ratio above on this machine)'),
    ratio('one bare HTTP hop, 8 clients (wrk) / in-process engine', ceiling?.wrk?.oneHop.qps, shardQps, 'the same, wrk straight to that node (information: the ceiling of any design with a network hop)'),
    ratio('http 8 clients (Node client) / in-process engine', http8, shardQps, 'HTTP QPS with 8 outstanding requests from the benchmark\'s Node client, which spends about as much CPU per request as a server on the same cores / shard in-process QPS (information)'),
    ratio('two bare HTTP hops, 8 clients (Node client) / in-process engine', ceiling?.twoHops.qps, shardQps, 'the same Node client through the two bare hops above / shard in-process QPS (information: the ceiling of the ratio above)'),
    ratio('http 1 client / in-process engine', chosen(http)?.qps['1'], shardQps, 'HTTP QPS with 1 request at a time / shard in-process QPS (information)'),
    ratio('http 8 clients (wrk) / LanceDB', versusLance.recall === undefined ? wrk?.qps : undefined, lanceQps, `HTTP QPS with wrk's 8 connections at the HTTP stack's setting reaching the recall target / LanceDB QPS (the better of its 1- and 8-client runs)${versusLance.recall === undefined ? ', both at the recall target' : '; not compared: LanceDB does not reach the target (see the Node client ratio below)'}`, { min: 3 }),
    ratio('http 8 clients (Node client) / LanceDB', versusLance.http8, versusLance.lance, `HTTP QPS with 8 clients / LanceDB QPS (the better of its 1- and 8-client runs), at matching recall: ${versusLance.recall === undefined ? 'both at the recall target' : `LanceDB never reaches the target, so both at its best recall (${versusLance.recall.toFixed(3)}; the HTTP stack at its lowest setting reaching as much)`} (information)`),
    ratio('worker memory per million vectors / (vectors + graph)', perPoint, indexPerPoint, 'worker memory added per point over the second half of the load (least-squares slope of VmRSS minus V8\'s young generation, sampled after each upsert batch once the worker has run full garbage collections) / bytes per point of the hnswlib index file written from the same vectors (the file holds the vectors and the graph)', { max: 1.3 }),
    ratio('worker RSS growth from empty / (vectors + graph)', rssDelta, indexBytes, 'worker VmRSS after load minus before, fixed costs included (V8 heap growing to its working size) / size of the hnswlib index file (information)'),
    ratio('engine RSS growth after GC / (vectors + graph)', engineRssGrowth, indexBytes, 'the shard engine in-process: VmRSS after two full collections, after the load minus before / size of the hnswlib index file (information: the data\'s own memory, without the V8 garbage a node\'s request parsing leaves)'),
    ratio('restart load speed-up over rebuild', hnsw?.buildSeconds, reload, 'hnswlib-node build time from the vectors / shard reopen-to-first-answer time', { min: 20 }),
  ];
}

export function buildReport(input: {
  startedAt: Date; params: DatasetParams; target: number; minSeconds: number; argv: string[]; groundTruthSeconds: number; results: SystemResult[];
}): Report {
  return {
    date: input.startedAt.toISOString(),
    machine: {
      nproc: os.cpus().length,
      cpu: cpuModel(),
      ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      loadavgAtStart: loadavgAtStart.map((v) => Math.round(v * 100) / 100),
      loadavgAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100),
    },
    command: ['npm run bench:search --', ...input.argv].join(' '),
    dataset: input.params,
    recallTarget: input.target,
    minSecondsPerMeasurement: input.minSeconds,
    groundTruthSeconds: input.groundTruthSeconds,
    systems: input.results,
    ratios: computeRatios(input.results),
  };
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const fmtRatio = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2));
const mib = (b?: number) => (b === undefined ? '–' : `${fmt(b / 2 ** 20)} MiB`);

/** Markdown, so the same text reads in a terminal and pastes into BENCHMARKS.md. */
export function renderReport(r: Report): string {
  const out: string[] = [];
  const d = r.dataset;
  out.push(`Search benchmark, ${r.date}`);
  out.push(`machine: ${r.machine.nproc} cores, ${r.machine.cpu}, ${r.machine.ramGiB} GiB RAM, Node ${r.machine.node}; load average ${r.machine.loadavgAtStart.join(' ')} at start, ${r.machine.loadavgAtEnd.join(' ')} at end`);
  out.push(`dataset: ${d.n} x ${d.dim} float32, ${d.clusters} Gaussian clusters (spread ${d.spread}), seed ${d.seed}; ${d.queries} queries from the same mixture; exact cosine top-10 by brute force`);
  out.push(`each system: lowest search-effort setting reaching recall@10 >= ${r.recallTarget} (else its best recall); each QPS figure timed over >= ${r.minSecondsPerMeasurement} s of whole passes over the queries`);
  out.push('');
  out.push('| system | setting | recall@10 | QPS, 1 client | QPS, 8 clients | build / load s | notes |');
  out.push('|---|---|---:|---:|---:|---:|---|');
  for (const s of r.systems) {
    const c = chosen(s);
    if (s.status !== 'ok' || !c) {
      out.push(`| ${LABELS[s.name] ?? s.name} | – | – | – | – | – | ${s.status}: ${s.reason ?? ''} |`);
      continue;
    }
    const eight = c.qps['8'] !== undefined ? fmt(c.qps['8']) : s.name === 'http' || s.name === 'lancedb' ? '–' : 'same as 1 (sync)';
    const miss = s.sweep?.reachedTarget ? '' : `target not reached; best recall shown. `;
    out.push(`| ${LABELS[s.name] ?? s.name} | ${c.knob}=${c.value} | ${c.recall.toFixed(3)} | ${fmt(c.qps['1'])} | ${eight} | ${fmt(s.buildSeconds, 1)} | ${miss}|`);
  }
  out.push('');
  out.push('Sweeps (recall@10 / QPS 1 client [/ 8 clients]):');
  for (const s of r.systems.filter((x) => x.sweep)) {
    const pts = s.sweep!.points.map((p) => `${p.value}: ${p.recall.toFixed(3)} / ${fmt(p.qps['1'])}${p.qps['8'] !== undefined ? ` / ${fmt(p.qps['8'])}` : ''}`);
    out.push(`- ${s.name} (${s.sweep!.points[0]?.knob}): ${pts.join('; ')}`);
  }
  out.push('');
  out.push('| ratio | value | target | result |');
  out.push('|---|---:|---|---|');
  for (const q of r.ratios) {
    out.push(`| ${q.name} | ${q.value === undefined ? '–' : `${fmtRatio(q.value)}x`} | ${q.target ?? 'info'} | ${q.value === undefined ? 'not measured' : q.pass === undefined ? '' : q.pass ? 'pass' : 'FAIL'} |`);
  }
  const shard = ok(r.systems, 'shard');
  const http = ok(r.systems, 'http');
  const hnsw = ok(r.systems, 'hnswlib');
  out.push('');
  if (http) {
    const h = http.details as MemoryDetails;
    const delta = h.rssAfterLoad !== undefined && h.rssBefore !== undefined ? h.rssAfterLoad - h.rssBefore : undefined;
    const perPoint = h.memorySlope;
    const nd = (http.details as { nodeDirect?: { ef: number; recall: number; qps: Record<string, number> } }).nodeDirect;
    const ceiling = (http.details as { ceiling?: Ceiling }).ceiling;
    const wrk = (http.details as { wrk?: WrkFigures & { ef: number; connections: number; engineAround?: { before: number; after: number } } }).wrk;
    if (wrk) out.push(`http with wrk: ${wrk.connections} connections at hnsw_ef=${wrk.ef}: ${fmt(wrk.qps)} QPS, latency p50 ${fmt(wrk.p50 / 1000, 1)} ms, p99 ${fmt(wrk.p99 / 1000, 1)} ms (wrk ${fmt(wrk.clientMicros)} µs of CPU a request)${wrk.engineAround ? `; the engine in-process right before and after: ${fmt(wrk.engineAround.before)} and ${fmt(wrk.engineAround.after)} QPS` : ''}`);
    if (ceiling) {
      const cpu = (f: HopFigures) => `client ${fmt(f.client)}${f.proxy ? `, proxy ${fmt(f.proxy)}` : ''}, node ${fmt(f.node)}`;
      const hops = (label: string, two: HopFigures, one: HopFigures) => `http ceiling, ${label}, 8 at once, through two bare HTTP hops (the proxy forwarding with the api's client to nodes) to a node spending ${fmt(ceiling.searchMicros)} µs of CPU per answer (the engine's search time): ${fmt(two.qps)} QPS (CPU µs per request: ${cpu(two)}); through one hop: ${fmt(one.qps)} QPS (${cpu(one)})`;
      out.push(hops('the Node client', ceiling.twoHops, ceiling.oneHop));
      if (ceiling.wrk) out.push(hops('wrk', ceiling.wrk.twoHops, ceiling.wrk.oneHop));
    }
    if (nd) out.push(`http split: the same searches sent straight to the worker's internal route (no api hop) at hnsw_ef=${nd.ef}: ${fmt(nd.qps['1'])} QPS with 1 client, ${fmt(nd.qps['8'])} with 8 (recall ${nd.recall.toFixed(3)})`);
    out.push(`memory (f): worker VmRSS ${mib(h.rssBefore)} before load, ${mib(h.rssAfterLoad)} after, ${mib(h.rssAfterSearch)} after the searches; per million vectors: ${perPoint === undefined ? '–' : mib(perPoint * 1e6)} over the second half (slope over ${h.memorySamples?.length ?? 0} samples of VmRSS minus V8's young generation, each after full collections in the worker), ${delta === undefined ? '–' : mib((delta / d.n) * 1e6)} from empty (fixed costs spread over the points)`);
  }
  if (hnsw) {
    const x = hnsw.details as { indexFileBytes: number; rawVectorBytes: number };
    out.push(`reference: raw vectors ${mib(x.rawVectorBytes)} (${mib((x.rawVectorBytes / d.n) * 1e6)} per million); hnswlib index file (vectors + graph) ${mib(x.indexFileBytes)} (${mib((x.indexFileBytes / d.n) * 1e6)} per million)`);
  }
  if (shard && hnsw) {
    const x = shard.details as { reloadSeconds: number; checkpointSeconds: number; recallAfterReload: number; headToHead?: { shardEf: number; hnswlibEf: number; shardQps: number; hnswlibQps: number } };
    const hh = x.headToHead;
    if (hh) out.push(`engine vs library (b vs c), alternating back to back, medians of 3: shard ${fmt(hh.shardQps)} QPS at ef ${hh.shardEf}, hnswlib-node ${fmt(hh.hnswlibQps)} QPS at ef ${hh.hnswlibEf}`);
    out.push(`restart (g): shard reopen to first answer ${fmt(x.reloadSeconds * 1000)} ms (checkpoint before close ${fmt(x.checkpointSeconds, 2)} s, recall after reopen ${x.recallAfterReload.toFixed(3)}) vs hnswlib rebuild ${fmt(hnsw.buildSeconds, 1)} s`);
  }
  const skippedOrFailed = r.systems.filter((s) => s.status !== 'ok');
  if (skippedOrFailed.length) out.push(`not measured: ${skippedOrFailed.map((s) => `${s.name} (${s.status}: ${s.reason})`).join('; ')}`);
  out.push('In-process engines (hnswlib, shard, pgvector) answer synchronously on the one JS thread: 8 clients in one process are the same as 1, so their single-thread QPS is the figure. Targets are information, never an exit status.');
  return out.join('\n');
}

export function printReport(r: Report): void {
  process.stdout.write(`${renderReport(r)}\n`);
}

export function writeReport(r: Report): string {
  const dir = path.resolve(__dirname, '../results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `search-${r.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
