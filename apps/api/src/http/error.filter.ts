import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError, type ErrorCode } from '@hivehub/common';
import { isQdrantPath, qdrantErrorReply } from '../qdrant/qdrant-error';
import { requestIdOf } from './request-id';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'validation_failed',
  429: 'quota_exceeded',
  503: 'unavailable',
};

/**
 * The one place errors become HTTP: `{ "error": { "code", "message", "requestId" } }`.
 * Unexpected errors are logged with their stack and answered without internals.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<{ method: string; url: string; routeOptions?: { bodyLimit?: number } }>();
    const { httpAdapter } = this.adapterHost;
    // Qdrant-compatible routes keep Qdrant's envelope even for errors raised before
    // routing (malformed JSON, unknown route), which only this global filter sees.
    if (isQdrantPath(req.url)) {
      const reply = qdrantErrorReply(fromFramework(exception, req));
      if (reply.status >= 500) this.logger.error(`${req.method} ${req.url} failed: ${(exception as Error)?.stack ?? exception}`);
      httpAdapter.reply(http.getResponse(), reply.body, reply.status);
      return;
    }
    const { status, code, message, details } = this.describe(fromFramework(exception, req));
    if (status >= 500) {
      this.logger.error(`${req.method} ${req.url} failed: ${(exception as Error)?.stack ?? exception}`);
    }
    const requestId = requestIdOf(req);
    httpAdapter.reply(http.getResponse(), { error: { code, message, requestId, ...(details ? { details } : {}) } }, status);
  }

  private describe(exception: unknown): { status: number; code: ErrorCode; message: string; details?: unknown } {
    if (exception instanceof DomainError) {
      return { status: exception.status, code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request');
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? String((response as { message: unknown }).message)
          : exception.message;
      return { status, code, message };
    }
    return { status: 500, code: 'internal', message: 'internal error; the request id identifies it in the logs' };
  }
}

/**
 * A body over BODY_LIMIT told with the limit that applies and what to do; anything
 * else unchanged. Nest hands Fastify's own errors to the filters already as
 * HttpExceptions carrying Fastify's message, so the 413 is recognised by its status.
 */
export function fromFramework(exception: unknown, req?: { routeOptions?: { bodyLimit?: number } }): unknown {
  const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: unknown })?.statusCode;
  if (status === 413) return new HttpException({ message: bodyTooLarge(req?.routeOptions?.bodyLimit) }, 413);
  return exception;
}

export function bodyTooLarge(limitBytes: number | undefined): string {
  const limit = limitBytes === undefined ? '' : ` (${limitBytes % 2 ** 20 === 0 ? `${limitBytes / 2 ** 20} MiB` : `${limitBytes} bytes`})`;
  return `request body is larger than this server accepts${limit}: send it in smaller requests (operators set the limit with BODY_LIMIT)`;
}
