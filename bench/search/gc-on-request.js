// Preloaded into the benchmark's worker (NODE_OPTIONS=--require, bench/search/stack.ts):
// a request to 127.0.0.1:$BENCH_GC_PORT runs full garbage collections and is answered
// when they are done, so the benchmark reads the node's memory without V8's garbage in
// it (runners/http.ts). Part of the benchmark only; the product never loads it.
'use strict';
const port = Number(process.env.BENCH_GC_PORT);
if (port) {
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc');
  const server = require('node:http').createServer((req, res) => {
    gc();
    gc();
    res.end('collected\n');
  });
  server.listen(port, '127.0.0.1');
  server.unref();
}
