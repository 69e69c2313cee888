import type { Readable } from 'node:stream';

/**
 * The raw body of a request as a stream: Fastify's `req.raw`, which configureHttpApp's
 * catch-all content-type parser leaves unread for every type but JSON (so an upload
 * is not bound by BODY_LIMIT; the route sets its own limit). The one place that knows.
 */
export function requestStream(req: unknown): Readable {
  return (req as { raw: Readable }).raw;
}
