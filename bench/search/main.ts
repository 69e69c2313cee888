import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DatasetParams, datasetKey, makeDataset } from './dataset';
import { groundTruth } from './ground-truth';
import { seconds } from './measure';
import { buildReport, printReport, writeReport } from './report';
import { runHnswlib } from './runners/hnswlib';
import { runHttp } from './runners/http';
import { runLanceDb } from './runners/lancedb';
import { runPgvector } from './runners/pgvector';
import { runShard } from './runners/shard';
import { type RunContext, type SystemResult, skipped } from './runners/types';

const SYSTEMS = ['hnswlib', 'shard', 'http', 'lancedb', 'pgvector'] as const;
type System = (typeof SYSTEMS)[number];

const USAGE = `usage: npm run bench:search -- [options]
  --n N              vectors in the set (default 100000)
  --dim D            dimensions (default 128)
  --queries Q        queries, not in the set (default 1000)
  --clusters C       Gaussian clusters (default 100)
  --spread S         std-dev of a cluster around its centre (default 0.5; centres ~ N(0,1))
  --seed S           dataset seed (default 42)
  --target R         recall@10 a setting must reach (default 0.95)
  --min-seconds T    time each measurement at least this long (default 1)
  --full-sweep       keep sweeping after the target is reached
  --only a,b         systems to run, of ${SYSTEMS.join(',')} (default all)
  --use-dist         start dist/ as it is (default: compile the current source into bench/.build)
  --keep             keep the scratch directory (data, logs) for inspection`;

interface Options extends DatasetParams {
  target: number;
  minSeconds: number;
  fullSweep: boolean;
  only: System[];
  keep: boolean;
  useDist: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    n: 100_000, dim: 128, queries: 1000, clusters: 100, spread: 0.5, seed: 42,
    target: 0.95, minSeconds: 1, fullSweep: false, only: [...SYSTEMS], keep: false, useDist: false,
  };
  const numeric: Record<string, keyof Options> = {
    '--n': 'n', '--dim': 'dim', '--queries': 'queries', '--clusters': 'clusters', '--spread': 'spread',
    '--seed': 'seed', '--target': 'target', '--min-seconds': 'minSeconds',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--full-sweep') o.fullSweep = true;
    else if (arg === '--keep') o.keep = true;
    else if (arg === '--use-dist') o.useDist = true;
    else if (arg === '--only') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = list.filter((s) => !(SYSTEMS as readonly string[]).includes(s));
      if (bad.length || !list.length) throw new Error(`--only takes some of ${SYSTEMS.join(',')}; got ${argv[i]}`);
      o.only = list as System[];
    } else if (numeric[arg]) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`${arg} needs a positive number`);
      (o as unknown as Record<string, number>)[numeric[arg]] = value;
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  for (const key of ['n', 'dim', 'queries', 'clusters', 'seed'] as const) o[key] = Math.floor(o[key]);
  return o;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = new Date();
  const params: DatasetParams = { n: opts.n, dim: opts.dim, queries: opts.queries, clusters: opts.clusters, spread: opts.spread, seed: opts.seed };
  log(`dataset ${datasetKey(params)}`);
  const t = performance.now();
  const data = makeDataset(params);
  log(`  generated in ${seconds(t).toFixed(1)} s`);
  const gt = groundTruth(data, log);
  log(`  ground truth ${gt.cached ? 'read from bench/.cache' : `computed in ${gt.seconds.toFixed(1)} s`}`);

  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'hivehub-bench-'));
  const ctx: RunContext = { data, truth: gt.ids, tmpDir, target: opts.target, minSeconds: opts.minSeconds, stopAtTarget: !opts.fullSweep, useDist: opts.useDist, log };
  const runners: Record<System, (c: RunContext) => Promise<SystemResult>> = {
    hnswlib: runHnswlib, shard: runShard, http: runHttp, lancedb: runLanceDb, pgvector: runPgvector,
  };
  const results: SystemResult[] = [];
  try {
    for (const system of SYSTEMS) {
      if (!opts.only.includes(system)) {
        results.push(skipped(system, 'not selected (--only)'));
        continue;
      }
      const began = performance.now();
      try {
        const result = await runners[system](ctx);
        results.push(result);
        if (system === 'shard') ctx.engineQps = result.sweep?.chosen.qps['1'];
      } catch (err) {
        const message = err instanceof Error ? err.stack ?? err.message : String(err);
        log(`${system} FAILED: ${message}`);
        results.push({ name: system, status: 'failed', reason: (err as Error).message ?? String(err) });
      }
      if (system === 'shard') ctx.baseline = undefined; // let hnswlib's index go
      if (system === 'http') await closeEngine(ctx);
      log(`  (${system}: ${seconds(began).toFixed(0)} s)`);
    }
  } finally {
    await closeEngine(ctx);
    if (opts.keep) log(`scratch directory kept: ${tmpDir}`);
    else rmSync(tmpDir, { recursive: true, force: true });
  }

  const report = buildReport({ startedAt, params, target: opts.target, minSeconds: opts.minSeconds, argv: process.argv.slice(2), groundTruthSeconds: gt.seconds, results });
  printReport(report);
  log(`results written to ${writeReport(report)}`);
  // Missed targets are information; a system that crashed is a broken benchmark.
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

/** Closes the engine the shard runner left open for the http runner. */
async function closeEngine(ctx: RunContext): Promise<void> {
  const engine = ctx.engine;
  ctx.engine = undefined;
  await engine?.close();
}

// Child processes (api, worker) are killed by the 'exit' handler stack.ts installs.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
