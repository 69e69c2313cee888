import net from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A TCP proxy to `target` that moves at most `bytesPerSecond` across all its
 * connections, both ways. A worker whose S3_ENDPOINT points here takes seconds for a
 * backup of a few MB, so a test can kill or cancel it mid-way without seeding
 * hundreds of MB.
 */
export async function startThrottledProxy(target: string, bytesPerSecond: number): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  let next = Date.now();
  /** Chunks leave at the shared pace: each waits until the bytes before it have had their time. */
  const throttle = () =>
    new Transform({
      transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
        const now = Date.now();
        next = Math.max(next, now) + (chunk.length / bytesPerSecond) * 1000;
        setTimeout(() => done(null, chunk), Math.max(0, next - now));
      },
    });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(throttle()).pipe(upstream);
    upstream.pipe(throttle()).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${own}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
