import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

/** The Qdrant version whose REST API these routes follow; @qdrant/js-client-rest 1.19 accepts 1.18–1.20 without a warning. */
export const QDRANT_COMPAT_VERSION = '1.19.0';

/** Every Qdrant data route is served under both prefixes. */
export const QDRANT_COLLECTION_ROUTES = ['collections', 'qdrant/collections'];

const STARTED_AT = Symbol('qdrant-started-at');
type Clocked = { [STARTED_AT]?: number };

export function startClock(req: object): void {
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

/** Wraps what a Qdrant route handler returns in `{"result", "status": "ok", "time"}`. */
@Injectable()
export class QdrantEnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<QdrantOk<unknown>> {
    const req = context.switchToHttp().getRequest<object>();
    startClock(req);
    return next.handle().pipe(map((result: unknown) => ({ result, status: 'ok' as const, time: elapsedSeconds(req) })));
  }
}
