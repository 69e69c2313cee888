import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Every request gets an id: the caller's X-Request-Id if sane, else a new one (echoed back, put in errors). */
export function newRequestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}

export function requestIdOf(req: unknown): string | undefined {
  return (req as { id?: string }).id;
}
