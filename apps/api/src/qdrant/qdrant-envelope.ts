import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The Qdrant version whose REST API these routes follow; @qdrant/js-client-rest 1.19 accepts 1.18–1.20 without a warning. */
export const QDRANT_COMPAT_VERSION = '1.19.0';

/** Every Qdrant data route is served under both prefixes. */
export const QDRANT_COLLECTION_ROUTES = ['collections', 'qdrant/collections'];

const STARTED_AT = Symbol('qdrant-started-at');
type Clocked = { [STARTED_AT]?: number };

function startClock(req: object): void {
  (req as Clocked)[STARTED_AT] ??= performance.now();
}

/** Seconds since the route began handling the request; 0 when it failed before (as Qdrant does for rejected input). */
export function elapsedSeconds(req: object): number {
  const started = (req as Clocked)[STARTED_AT];
  return started === undefined ? 0 : (performance.now() - started) / 1000;
}

export interface QdrantOk<T> {
  result: T;
  status: 'ok';
  time: number;
}

export type Enveloper = <T>(result: T | Promise<T>) => Promise<QdrantOk<T>>;

/**
 * A Qdrant handler's envelope: `handler(@Envelope() ok: Enveloper, …) { return ok(work) }`
 * answers `{"result", "status": "ok", "time"}`, time counted from the handler's start.
 * A parameter rather than an interceptor: Nest's interceptor chain cost about 70 µs
 * of CPU per request, and every data request crosses it.
 */
export const Envelope = createParamDecorator((_: unknown, context: ExecutionContext): Enveloper => {
  const req = context.switchToHttp().getRequest<object>();
  startClock(req);
  return async (result) => ({ result: await result, status: 'ok' as const, time: elapsedSeconds(req) });
});
