import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError } from '@hivehub/common';
import { newRequestId } from './request-id';
import { validationPipe } from './validation.pipe';

/**
 * The api's HTTP layer, as main.ts and the in-process route tests build it: Nest on
 * Fastify (per request it costs about half the CPU of Nest on Express, and every
 * data request crosses it), JSON bodies up to BODY_LIMIT (`32mb`), request ids.
 */
export function httpAdapter(bodyLimit: string): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: byteSize(bodyLimit),
    genReqId: newRequestId,
    requestIdHeader: false,
    // No `logger` option: Fastify logs nothing (request logging included); Nest's logger is the one.
    // Qdrant collection names may be 255 characters; Express also ignored a trailing slash.
    routerOptions: { maxParamLength: 1024, ignoreTrailingSlash: true },
  });
}

/** Create the app with `bodyParser: false`: this parses JSON itself. Echoes request ids, parses JSON into DomainErrors on failure, sets the global validation pipe. */
export function configureHttpApp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch (err) {
      done(new DomainError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
  // Any other type (or none) stays an unread stream on request.raw, as under Express.
  fastify.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  app.useGlobalPipes(validationPipe());
}

/** `512kb`, `32mb` (validated by the config schema) in bytes. */
export function byteSize(limit: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)$/i.exec(limit)!;
  return Number(amount) * { b: 1, kb: 1024, mb: 1024 * 1024 }[unit.toLowerCase() as 'b' | 'kb' | 'mb'];
}
