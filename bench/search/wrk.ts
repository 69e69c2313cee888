import { execFile, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childrenCpuMicros } from './measure';

/** What wrk measured: QPS, and latency percentiles in µs. */
export interface WrkFigures {
  qps: number;
  requests: number;
  /** wrk's own CPU µs per request. */
  clientMicros: number;
  p50: number;
  p99: number;
}

export interface WrkLoad {
  url: string;
  path: string;
  /** Request bodies, sent in turn (JSON, one per request). */
  bodies: string[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Seconds of load before the measured run (default 2). */
  warmupSeconds?: number;
}

/** Why wrk cannot run here, or undefined when it can. */
export function wrkMissing(): string | undefined {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    // wrk prints its usage and exits 1 on --version: only a spawn error means it is missing.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'wrk is not installed (apt-get install wrk; bench/search/run.sh installs it)';
    return undefined;
  }
}

function runWrk(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Closed-loop load from wrk (C, one thread): `connections` keep-alive connections, each
 * sending its next request when the previous one is answered, as many concurrent
 * clients would; a warm-up run first. A load generator written in C takes little of the
 * cores it shares with the servers under test, where the benchmark's Node client takes
 * about as much CPU per request as one of the servers. Any answer but 2xx, or any
 * socket error, fails the measurement.
 */
export async function wrkQps(load: WrkLoad): Promise<WrkFigures> {
  const bodiesFile = path.join(os.tmpdir(), `hivehub-wrk-${process.pid}-${Date.now()}.txt`);
  writeFileSync(bodiesFile, `${load.bodies.join('\n')}\n`);
  const script = path.join(__dirname, 'wrk-post.lua');
  const headers = Object.entries(load.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  const args = (seconds: number) => ['-t1', `-c${load.connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', script, `${load.url}${load.path}`, '--', bodiesFile, load.path, ...headers];
  let out: string;
  let clientMicros: number;
  try {
    if (load.warmupSeconds !== 0) await runWrk(args(load.warmupSeconds ?? 2), 60_000);
    const cpuBefore = childrenCpuMicros();
    out = await runWrk(args(load.seconds), (load.seconds + 60) * 1000);
    clientMicros = childrenCpuMicros() - cpuBefore;
  } finally {
    rmSync(bodiesFile, { force: true });
  }
  const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const s = JSON.parse(line) as { requests: number; micros: number; non2xx: number; socketErrors: number; p50: number; p99: number };
  if (s.non2xx || s.socketErrors) throw new Error(`wrk: ${s.non2xx} answers other than 2xx and ${s.socketErrors} socket errors in ${s.requests} requests to ${load.path}`);
  return { qps: s.requests / (s.micros / 1e6), requests: s.requests, clientMicros: clientMicros / s.requests, p50: s.p50, p99: s.p99 };
}
