import { HttpException } from '@nestjs/common';
import { DomainError } from '@hivehub/common';

export interface QdrantErrorReply {
  status: number;
  /** Qdrant's error envelope: `{"status": {"error": "..."}, "time": seconds}`. */
  body: { status: { error: string }; time: number };
}

/**
 * Any thrown value as Qdrant would answer it. DomainError messages are written for
 * callers and pass through; anything else unexpected is answered without internals.
 */
export function qdrantErrorReply(exception: unknown, time = 0): QdrantErrorReply {
  let status = 500;
  let message = 'Service internal error: the request id identifies it in the logs';
  if (exception instanceof DomainError) {
    status = exception.status;
    message = exception.message;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const response = exception.getResponse();
    message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : exception.message;
  }
  return { status, body: { status: { error: message }, time } };
}

/**
 * Paths served in Qdrant's envelope. Errors raised before routing (malformed JSON
 * in the body parser, unknown routes) reach only the global filter; it can use this
 * to answer those in Qdrant's envelope too.
 */
export function isQdrantPath(path: string): boolean {
  return /^\/(qdrant\/)?collections(\/|\?|$)/.test(path);
}
