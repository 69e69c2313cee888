import http from 'node:http';
import https from 'node:https';

/**
 * One keep-alive connection pool per api process to the nodes. node:http costs about
 * half the CPU of fetch per call here, and every data request makes one.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export class NodeUnreachableError extends Error {}
export class NodeTimeoutError extends Error {}

/** POSTs JSON and resolves with the status and the parsed JSON reply (or {} when it is not JSON). */
export function postJson(url: string, token: string, payload: unknown, timeoutMs: number): Promise<{ status: number; body: any }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const data = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        agent: agents[target.protocol as 'http:' | 'https:'],
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': data.length },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => reject(new NodeUnreachableError(err.message)));
        res.on('end', () => {
          let body: unknown = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // not JSON: the caller reports the status
          }
          resolve({ status: res.statusCode ?? 500, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new NodeTimeoutError(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(err instanceof NodeTimeoutError ? err : new NodeUnreachableError(err.message)));
    req.end(data);
  });
}
