import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeTimeoutError, NodeUnreachableError, postJson } from './node-http';

/** A real node:http server standing in for a node's internal route. */
async function nodeServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, close };
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
});
