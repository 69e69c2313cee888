import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, type ErrorCode } from '@hivehub/common';
import { isQdrantPath, qdrantErrorReply } from '../qdrant/qdrant-error';
import { requestIdOf } from './request-id.middleware';

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

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    // Qdrant-compatible routes keep Qdrant's envelope even for errors raised before
    // routing (malformed JSON, unknown route), which only this global filter sees.
    if (isQdrantPath(req.originalUrl)) {
      const reply = qdrantErrorReply(exception);
      if (reply.status >= 500) this.logger.error(`${req.method} ${req.originalUrl} failed: ${(exception as Error)?.stack ?? exception}`);
      res.status(reply.status).json(reply.body);
      return;
    }
    const { status, code, message, details } = this.describe(exception);
    if (status >= 500) {
      this.logger.error(`${req.method} ${req.originalUrl} failed: ${(exception as Error)?.stack ?? exception}`);
    }
    const requestId = requestIdOf(req);
    res.status(status).json({ error: { code, message, requestId, ...(details ? { details } : {}) } });
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
