// The floor under the HTTP figure on this machine: the benchmark's own client (8
// concurrent, HttpJson; or wrk's 8 connections) through two bare HTTP hops (a node:http
// proxy that forwards the body with the api's own client to nodes, to a node:http
// "node" that answers ten canned hits), with no framework, no validation, no search.
// It prints QPS and the CPU each process spends per request, and what the full stack could reach at best with a search of a given cost added to the floor, then
// measures the same hops with the node spending that search's CPU before each answer,
// and one hop (the client straight to that node):
//   node -r ./bench/search/register.js bench/search/floor-probe.ts [search µs] [node|wrk]
// (search µs: the in-process engine's time per search, 1e6 / its QPS; default 104,
// the 100k x 128 engine at ef 48.) The full benchmark's http runner measures the last
// two (`measureHops`) with its own engine's search time.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { postBody } from '../../apps/api/src/data-plane/node-http';
import { HttpJson } from './http-client';
import { cpuMicros } from './measure';
import { wrkQps } from './wrk';

const REQUESTS = 20_000;
const CLIENTS = 8;

/** The child processes: `node` answers canned hits; `proxy <target port>` forwards. Each reports its port. */
function serve(role: string, target: number, spinMicros: number): void {
  const hits = Buffer.from(JSON.stringify({ result: Array.from({ length: 10 }, (_, i) => ({ id: i, version: 0, score: 0.9 - i / 100 })), status: 'ok', time: 0 }));
  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (role === 'node') {
        for (const until = performance.now() + spinMicros / 1000; performance.now() < until; );
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': hits.length }).end(hits);
        return;
      }
      // Forwarded with the api's own client to nodes, its reply parsed and printed again as the api does.
      postBody(`http://127.0.0.1:${target}/`, 'token', Buffer.concat(chunks).toString('utf8'), 10_000).then((reply) => {
        const answer = JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
      });
    });
  }
  const server = http.createServer(handle);
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

function start(role: string, target = 0, spinMicros = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, [role, String(target), String(spinMicros)], { execArgv: ['-r', require.resolve('./register.js')] });
  return new Promise((resolve) => child.once('message', (port) => resolve({ child, port: port as number })));
}

/** QPS and CPU µs per request of each process, through the two hops (or straight) to a node that spins `spinMicros` per answer. */
export interface HopFigures {
  qps: number;
  /** CPU µs per request in each process (proxy 0 with one hop). */
  client: number;
  proxy: number;
  node: number;
}

/**
 * The load comes from the benchmark's Node client (HttpJson, 8 at once, in this process)
 * or from wrk (8 connections, a C load generator in its own process).
 */
export async function measureHops(spinMicros: number, hops: 1 | 2 = 2, load: 'node' | 'wrk' = 'node'): Promise<HopFigures> {
  const { child: node, port: nodePort } = await start('node', 0, spinMicros);
  const { child: proxy, port: proxyPort } = await start('proxy', nodePort);
  const url = `http://127.0.0.1:${hops === 2 ? proxyPort : nodePort}`;
  const bodies = Array.from({ length: 100 }, () => JSON.stringify({ vector: Array.from({ length: 128 }, () => Math.random() - 0.5), limit: 10, params: { hnsw_ef: 48 } }));
  try {
    const servers = () => [cpuMicros(proxy.pid!), cpuMicros(node.pid!)] as const;
    if (load === 'wrk') {
      const wrk = { url, path: '/', bodies, connections: CLIENTS, seconds: 10 };
      await wrkQps({ ...wrk, seconds: 3, warmupSeconds: 0 });
      const before = servers();
      const run = await wrkQps({ ...wrk, warmupSeconds: 0 });
      const after = servers();
      return { qps: run.qps, client: run.clientMicros, proxy: hops === 2 ? (after[0] - before[0]) / run.requests : 0, node: (after[1] - before[1]) / run.requests };
    }
    const client = new HttpJson(url);
    const round = async (n: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: CLIENTS }, async () => {
        while (next++ < n) if ((await client.send('POST', '/', bodies[next % bodies.length])).body.result.length !== 10) throw new Error('bad answer');
      }));
    };
    const requests = spinMicros > 0 ? REQUESTS / 4 : REQUESTS;
    await round(requests / 4); // warm-up
    const before = [...servers(), process.cpuUsage()] as const;
    const started = performance.now();
    await round(requests);
    const qps = requests / ((performance.now() - started) / 1000);
    const own = process.cpuUsage(before[2]);
    const after = servers();
    client.close();
    return {
      qps,
      client: (own.user + own.system) / requests,
      proxy: hops === 2 ? (after[0] - before[0]) / requests : 0,
      node: (after[1] - before[1]) / requests,
    };
  } finally {
    proxy.kill();
    node.kill();
  }
}

async function main(searchMicros: number, load: 'node' | 'wrk'): Promise<void> {
  const cores = os.cpus().length;
  const engineQps = 1e6 / searchMicros;
  const bare = await measureHops(0, 2, load);
  const floor = bare.client + bare.proxy + bare.node;
  console.log(`two bare hops, ${CLIENTS} clients: ${bare.qps.toFixed(0)} QPS; CPU µs per request: client ${bare.client.toFixed(0)}, proxy ${bare.proxy.toFixed(0)}, node ${bare.node.toFixed(0)} (sum ${floor.toFixed(0)})`);
  const best = (cores * 1e6) / (floor + searchMicros);
  console.log(`with a ${searchMicros} µs search added, ${cores} cores could serve at most ${best.toFixed(0)} QPS = ${(best / engineQps).toFixed(2)}x the in-process engine`);
  // Measured rather than added: the node spends the search's CPU before each answer, so
  // the hops run at the rate a real search allows (fewer requests share each wake-up).
  const spun = await measureHops(searchMicros, 2, load);
  console.log(`the node spinning ${searchMicros} µs per answer: ${spun.qps.toFixed(0)} QPS = ${(spun.qps / engineQps).toFixed(2)}x the in-process engine; CPU µs per request: client ${spun.client.toFixed(0)}, proxy ${spun.proxy.toFixed(0)}, node ${spun.node.toFixed(0)} (${(spun.node - searchMicros).toFixed(0)} besides the spin)`);
  // No api design can beat the client talking to the node itself: the ceiling of any hop between them.
  const direct = await measureHops(searchMicros, 1, load);
  console.log(`one hop, the client straight to that node: ${direct.qps.toFixed(0)} QPS = ${(direct.qps / engineQps).toFixed(2)}x the in-process engine; CPU µs per request: client ${direct.client.toFixed(0)}, node ${direct.node.toFixed(0)}`);
}

if (process.argv[2] === 'node' || process.argv[2] === 'proxy') serve(process.argv[2], Number(process.argv[3]), Number(process.argv[4]));
else if (require.main === module) main(Number(process.argv[2] ?? 104), process.argv[3] === 'wrk' ? 'wrk' : 'node').catch((err) => {
  console.error(err);
  process.exit(1);
});
