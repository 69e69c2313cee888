// The floor under the HTTP figure on this machine: the benchmark's own client (8
// concurrent, HttpJson) through two bare node:http hops (a proxy that forwards the
// body to a "node" that answers ten canned hits), with no framework, no parsing, no
// search. It prints QPS and the CPU each process spends per request, and what the
// full stack could reach at best with a search of a given cost added to the floor:
//   node -r ./bench/search/register.js bench/search/floor-probe.ts [search µs]
// (search µs: the in-process engine's time per search, 1e6 / its QPS; default 104,
// the 100k x 128 engine at ef 48.)
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { HttpJson } from './http-client';
import { cpuMicros } from './measure';

const REQUESTS = 20_000;
const CLIENTS = 8;

/** The child processes: `node` answers canned hits; `proxy <target port>` forwards. Each reports its port. */
function serve(role: string, target: number): void {
  const hits = Buffer.from(JSON.stringify({ result: Array.from({ length: 10 }, (_, i) => ({ id: i, version: 0, score: 0.9 - i / 100 })), status: 'ok', time: 0 }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (role === 'node') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': hits.length }).end(hits);
        return;
      }
      const body = Buffer.concat(chunks);
      const out = http.request({ host: '127.0.0.1', port: target, path: '/', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (reply) => {
        const back: Buffer[] = [];
        reply.on('data', (c: Buffer) => back.push(c));
        reply.on('end', () => {
          const answer = Buffer.concat(back);
          res.writeHead(reply.statusCode ?? 500, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
        });
      });
      out.end(body);
    });
  }
  const server = http.createServer(handle);
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

function start(role: string, target = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, [role, String(target)], { execArgv: ['-r', require.resolve('./register.js')] });
  return new Promise((resolve) => child.once('message', (port) => resolve({ child, port: port as number })));
}

async function main(searchMicros: number): Promise<void> {
  const { child: node, port: nodePort } = await start('node');
  const { child: proxy, port: proxyPort } = await start('proxy', nodePort);
  const client = new HttpJson(`http://127.0.0.1:${proxyPort}`);
  const vector = JSON.stringify({ vector: Array.from({ length: 128 }, () => Math.random() - 0.5), limit: 10, params: { hnsw_ef: 48 } });
  const round = async (n: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next++ < n) if ((await client.send('POST', '/', vector)).body.result.length !== 10) throw new Error('bad answer');
    }));
  };
  await round(5_000); // warm-up
  const before = [cpuMicros(proxy.pid!), cpuMicros(node.pid!), process.cpuUsage()] as const;
  const started = performance.now();
  await round(REQUESTS);
  const qps = REQUESTS / ((performance.now() - started) / 1000);
  const own = process.cpuUsage(before[2]);
  const perRequest = {
    client: (own.user + own.system) / REQUESTS,
    proxy: (cpuMicros(proxy.pid!) - before[0]) / REQUESTS,
    node: (cpuMicros(node.pid!) - before[1]) / REQUESTS,
  };
  const floor = perRequest.client + perRequest.proxy + perRequest.node;
  const cores = os.cpus().length;
  console.log(`two bare hops, ${CLIENTS} clients: ${qps.toFixed(0)} QPS; CPU µs per request: client ${perRequest.client.toFixed(0)}, proxy ${perRequest.proxy.toFixed(0)}, node ${perRequest.node.toFixed(0)} (sum ${floor.toFixed(0)})`);
  const best = (cores * 1e6) / (floor + searchMicros);
  console.log(`with a ${searchMicros} µs search added, ${cores} cores could serve at most ${best.toFixed(0)} QPS = ${(best / (1e6 / searchMicros)).toFixed(2)}x the in-process engine`);
  client.close();
  proxy.kill();
  node.kill();
}

if (process.argv[2] === 'node' || process.argv[2] === 'proxy') serve(process.argv[2], Number(process.argv[3]));
else main(Number(process.argv[2] ?? 104)).catch((err) => {
  console.error(err);
  process.exit(1);
});
