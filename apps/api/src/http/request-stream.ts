import type { Readable } from 'node:stream';

/**
 * The raw body of a request as a stream, under Express (the request is the stream)
 * and Fastify (`req.raw` is). The one place that knows, so controllers stay
 * adapter-neutral. Only for routes whose body no parser consumed (not JSON).
 */
export function requestStream(req: unknown): Readable {
  return ((req as { raw?: Readable }).raw ?? req) as Readable;
}
