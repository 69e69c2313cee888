import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestIdOf } from '../http/request-id.middleware';
import { elapsedSeconds } from './qdrant-envelope';
import { qdrantErrorReply } from './qdrant-error';

/**
 * Errors of the Qdrant-compatible routes in Qdrant's envelope, auth failures
 * included (guards throw inside the controller's exception zone). Bound with
 * @UseFilters on those controllers, so it wins over the global ErrorFilter there.
 */
@Catch()
export class QdrantErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('qdrant');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const reply = qdrantErrorReply(exception, elapsedSeconds(req));
    if (reply.status >= 500) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${req.method} ${req.originalUrl} failed (request ${requestIdOf(req) ?? '-'}): ${detail}`);
    }
    res.status(reply.status).json(reply.body);
  }
}
