import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { fromFramework } from '../http/error.filter';
import { requestIdOf } from '../http/request-id';
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

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<{ method: string; url: string; routeOptions?: { bodyLimit?: number } }>();
    const reply = qdrantErrorReply(fromFramework(exception, req), elapsedSeconds(req));
    if (reply.status >= 500) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`${req.method} ${req.url} failed (request ${requestIdOf(req) ?? '-'}): ${detail}`);
    }
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), reply.body, reply.status);
  }
}
