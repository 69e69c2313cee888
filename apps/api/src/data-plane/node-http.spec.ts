import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NodeTimeoutError, NodeUnreachableError, postJson } from './node-http';

/** A real node:http server standing in for a node's internal route. */
async function nodeServer(handler: http.RequestListener): Promise<{ url: string; server: http.Server; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, server, close };
}

describe('postJson (the api → node call)', () => {
  it('sends the token and the JSON body, and parses the JSON answer whatever its status', async () => {
    const seen: { auth?: string; body?: string }[] = [];
    const node = await nodeServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { echoed: JSON.parse(body) } }));
      });
    });
    try {
      expect(await postJson(`${node.url}/ops`, 'tok', { vector: [0.5, 1e-7] }, 1000)).toEqual({ status: 200, body: { result: { echoed: { vector: [0.5, 1e-7] } } } });
      expect((await postJson(`${node.url}/missing`, 'tok', {}, 1000)).status).toBe(404);
      expect(seen[0]).toEqual({ auth: 'Bearer tok', body: '{"vector":[0.5,1e-7]}' });
    } finally {
      await node.close();
    }
  });

  it('with lines, asks for NDJSON and hands each line over as text; a JSON reply still parses', async () => {
    const accepts: (string | undefined)[] = [];
    const node = await nodeServer((req, res) => {
      accepts.push(req.headers.accept);
      if (req.url === '/json') return res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"bad_request"}}');
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
      if (req.url === '/none') return res.end();
      res.write('[{"id":1,"payload":{"t":"é\\\\n"}}]\n[');
      setTimeout(() => res.end(']\n{"x":2}'), 10); // chunked, split inside a line
    });
    try {
      expect(await postJson(`${node.url}/lines`, 'tok', {}, 1000, true)).toEqual({ status: 200, body: {}, lines: ['[{"id":1,"payload":{"t":"é\\\\n"}}]', '[]', '{"x":2}'] });
      expect(await postJson(`${node.url}/none`, 'tok', {}, 1000, true)).toEqual({ status: 200, body: {}, lines: [] });
      expect(await postJson(`${node.url}/json`, 'tok', {}, 1000, true)).toEqual({ status: 400, body: { error: { code: 'bad_request' } } });
      await postJson(`${node.url}/json`, 'tok', {}, 1000);
      expect(accepts).toEqual(['application/x-ndjson', 'application/x-ndjson', 'application/x-ndjson', undefined]);
    } finally {
      await node.close();
    }
  });

  it('answers {} for a body that is not JSON, so the caller reports the status', async () => {
    const node = await nodeServer((_req, res) => res.writeHead(502).end('bad gateway'));
    try {
      expect(await postJson(`${node.url}/ops`, 'tok', {}, 1000)).toEqual({ status: 502, body: {} });
    } finally {
      await node.close();
    }
  });

  it('fails with NodeTimeoutError when the node does not answer in time', async () => {
    const node = await nodeServer(() => undefined);
    try {
      await expect(postJson(`${node.url}/ops`, 'tok', {}, 200)).rejects.toThrow(NodeTimeoutError);
    } finally {
      await node.close();
    }
  });

  it('fails with NodeUnreachableError when nothing listens or the connection drops', async () => {
    const node = await nodeServer((req) => req.socket.destroy());
    try {
      await expect(postJson(`${node.url}/ops`, 'tok', {}, 1000)).rejects.toThrow(NodeUnreachableError);
    } finally {
      await node.close();
    }
    await expect(postJson(node.url, 'tok', {}, 1000)).rejects.toThrow(NodeUnreachableError);
  });

  it('reads chunked replies and replies split anywhere, byte by byte', async () => {
    const chunked = await nodeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"result":');
      setTimeout(() => res.end('[1,2,3]}'), 10);
    });
    const reply = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n6\r\n":[1]}\r\n0\r\nX-Trailer: t\r\n\r\n';
    const slow = await rawServer((socket) => {
      let i = 0;
      const next = () => (i < reply.length ? socket.write(reply[i++], next) : undefined);
      next();
    });
    try {
      expect(await postJson(`${chunked.url}/ops`, 'tok', {}, 1000)).toEqual({ status: 200, body: { result: [1, 2, 3] } });
      expect(await postJson(`${slow.url}/ops`, 'tok', {}, 5000)).toEqual({ status: 200, body: { a: [1] } });
    } finally {
      await chunked.close();
      await slow.close();
    }
  });

  it('reads a reply of many megabytes, and one without a length to the end of the connection', async () => {
    const big = { result: Array.from({ length: 200_000 }, (_, i) => ({ id: i, score: i / 7 })) };
    const node = await nodeServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(big)));
    const toEnd = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"result":"all"}'));
    try {
      const reply = await postJson(`${node.url}/ops`, 'tok', {}, 10_000);
      expect(reply.status).toBe(200);
      expect(reply.body.result).toHaveLength(200_000);
      expect(reply.body.result[199_999]).toEqual(big.result[199_999]);
      expect(await postJson(`${toEnd.url}/ops`, 'tok', {}, 1000)).toEqual({ status: 200, body: { result: 'all' } });
    } finally {
      await node.close();
      await toEnd.close();
    }
  });

  it('keeps connections alive, and opens a new one when the node closed an idle one or asked to close', async () => {
    const connections: net.Socket[] = [];
    const node = await nodeServer((req, res) => res.writeHead(200, req.url === '/close' ? { connection: 'close' } : {}).end('{"ok":true}'));
    node.server.on('connection', (socket: net.Socket) => connections.push(socket));
    node.server.keepAliveTimeout = 200;
    try {
      for (let i = 0; i < 3; i++) expect((await postJson(`${node.url}/ops`, 'tok', {}, 1000)).body).toEqual({ ok: true });
      expect(connections).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1500)); // the node closes the idle connection (Node adds 1 s to keepAliveTimeout)
      expect((await postJson(`${node.url}/ops`, 'tok', {}, 1000)).body).toEqual({ ok: true });
      expect(connections).toHaveLength(2);
      expect((await postJson(`${node.url}/close`, 'tok', {}, 1000)).body).toEqual({ ok: true });
      expect((await postJson(`${node.url}/ops`, 'tok', {}, 1000)).body).toEqual({ ok: true });
      expect(connections).toHaveLength(3);
    } finally {
      await node.close();
    }
  });

  it('opens at most 256 connections to a node; further calls wait for a free one', async () => {
    let open = 0;
    let most = 0;
    const node = await nodeServer((req, res) => {
      setTimeout(() => res.writeHead(200).end(JSON.stringify({ url: req.url })), 20);
    });
    node.server.on('connection', (socket: net.Socket) => {
      most = Math.max(most, ++open);
      socket.on('close', () => open--);
    });
    try {
      const replies = await Promise.all(Array.from({ length: 600 }, (_, i) => postJson(`${node.url}/ops/${i}`, 'tok', {}, 10_000)));
      expect(replies.map((r) => r.body.url)).toEqual(Array.from({ length: 600 }, (_, i) => `/ops/${i}`));
      expect(most).toBeLessThanOrEqual(256);
    } finally {
      await node.close();
    }
  });

  it('counts the wait for a free connection against the timeout', async () => {
    const node = await nodeServer(() => undefined); // never answers
    try {
      const calls = Array.from({ length: 257 }, () => postJson(`${node.url}/ops`, 'tok', {}, 300).then(() => new Error('answered'), (err: Error) => err));
      const errors = await Promise.all(calls);
      expect(errors.every((e) => e instanceof NodeTimeoutError)).toBe(true);
      expect(errors[0].message).toBe('no answer within 300 ms');
      // The 257th waited for a connection: it times out while waiting, or is sent with what is left of its 300 ms.
      const last = /^no connection to the node was free within 300 ms$|^no answer within (\d+) ms$/.exec(errors[256].message);
      expect(last).not.toBeNull();
      if (last![1] !== undefined) expect(Number(last![1])).toBeLessThan(300);
    } finally {
      await node.close();
    }
  });

  it('fails with NodeUnreachableError on a reply that is not HTTP, and recovers', async () => {
    let calls = 0;
    const node = await rawServer((socket) => {
      if (calls++ === 0) socket.write('SSH-2.0-OpenSSH\r\n\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
    try {
      await expect(postJson(`${node.url}/ops`, 'tok', {}, 1000)).rejects.toThrow(/malformed reply from the node: not an HTTP\/1.x status line/);
      expect(await postJson(`${node.url}/ops`, 'tok', {}, 1000)).toEqual({ status: 200, body: {} });
    } finally {
      await node.close();
    }
  });

  it('speaks TLS to an https node, and refuses one whose certificate is not trusted', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'node-http-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'pipe' });
    const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) =>
      res.writeHead(200).end('{"secure":true}'));
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `https://localhost:${(server.address() as AddressInfo).port}/ops`;
      await expect(postJson(url, 'tok', {}, 2000)).rejects.toThrow(/self[- ]signed certificate/);
      // Trusted through NODE_EXTRA_CA_CERTS, which Node reads at start: a child process.
      const child = `require(${JSON.stringify(__filename.replace(/\.spec\.ts$/, '.ts'))}).postJson(${JSON.stringify(url)}, 'tok', {}, 2000).then((r) => { console.log(JSON.stringify(r)); process.exit(0); })`;
      const out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['-r', path.resolve(__dirname, '../../../../bench/search/register.js'), '-e', child],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') }, timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      });
      expect(JSON.parse(out)).toEqual({ status: 200, body: { secure: true } });
    } finally {
      server.close();
      server.closeAllConnections();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A TCP server that answers each connection's first bytes with `answer(socket)`. */
async function rawServer(answer: (socket: net.Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => answer(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { url, close };
}
