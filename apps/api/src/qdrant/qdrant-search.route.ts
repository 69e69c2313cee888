import { Injectable, Logger, Optional } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, serveFirst, stringifyWithRaw, type HotRoute } from '@hivehub/common';
import { authenticateTenant } from '../auth/tenant-auth.guard';
import { TenantAuthService } from '../auth/tenant-auth.service';
import { bodyTooLarge } from '../http/error.filter';
import { newRequestId } from '../http/request-id';
import { HttpMetrics } from '../metrics/http-metrics';
import { qdrantErrorReply } from './qdrant-error';
import { QdrantSearchService } from './qdrant-search.service';
import { collectionNotFound } from './schemas/collection-name';
import { parseWith } from './schemas/parse';
import { queryBatchSchema, querySchema, searchBatchSchema, searchSchema } from './schemas/search.schema';

/** POST {/qdrant}/collections/{name}/points/{search,query}{/batch}: the name, the kind, and "/batch" when it is one. */
const ROUTE = /^\/(qdrant\/)?collections\/([^/?]+)\/points\/(search|query)(\/batch)?\/?(?:\?.*)?$/;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Qdrant's search routes (search, search/batch, query, query/batch, under both
 * prefixes), served on node:http ahead of Fastify and Nest (`serveQdrantSearchFirst`,
 * from main.ts): every search crosses them, and the framework's request handling cost
 * more CPU than the search itself. Everything else a Nest route gets, they do here with
 * the same pieces: tenant auth with the `read` scope (authenticateTenant), the body
 * limit and its 413, the zod schemas, QdrantSearchService, Qdrant's envelope and
 * errors, X-Request-Id, and the request-duration metric by route template.
 */
@Injectable()
export class QdrantSearchRoute implements HotRoute {
  private readonly logger = new Logger('qdrant');
  /** BODY_LIMIT in bytes, as the app's Fastify instance was configured (set by serveFirstOn). */
  private bodyLimit: number;

  constructor(
    private readonly search: QdrantSearchService,
    private readonly auth: TenantAuthService,
    @Optional() private readonly metrics?: HttpMetrics,
  ) {}

  /** Serves this route on the app's server ahead of Fastify, with the app's body limit. */
  serveFirstOn(app: NestFastifyApplication): void {
    this.bodyLimit = app.getHttpAdapter().getInstance().initialConfig.bodyLimit!;
    serveFirst(app.getHttpServer(), this);
  }

  matches(req: IncomingMessage): boolean {
    return req.method === 'POST' && req.url !== undefined && ROUTE.test(req.url);
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    const received = performance.now();
    const [, prefix = '', name, kind, batch = ''] = ROUTE.exec(req.url!)!;
    const requestId = newRequestId(req);
    res.setHeader('x-request-id', requestId);
    const clock = { started: undefined as number | undefined };
    const seconds = () => (clock.started === undefined ? 0 : (performance.now() - clock.started) / 1000);
    const answer = (status: number, body: unknown) => {
      reply(res, status, body);
      this.metrics?.observe('POST', `/${prefix}collections/:name/points/${kind}${batch}`, status, (performance.now() - received) / 1000);
    };
    this.run(req, name, `${kind}${batch}`, clock).then(
      (result) => answer(200, { result, status: 'ok', time: seconds() }),
      (err: unknown) => {
        const { status, body } = qdrantErrorReply(err, seconds());
        if (status >= 500) {
          this.logger.error(`POST ${req.url} failed (request ${requestId}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        }
        answer(status, body);
      },
    );
  }

  /** As Fastify and Nest order it: the body, then auth, then (clock started, as Qdrant's `time` counts) the handler. */
  private async run(req: IncomingMessage, rawName: string, route: string, clock: { started?: number }): Promise<unknown> {
    const body = await readJsonBody(req, this.bodyLimit);
    const { tenant } = await authenticateTenant(this.auth, req, 'read');
    clock.started = performance.now();
    const name = decodeName(rawName);
    if (route === 'search') return this.search.search(tenant, name, parseWith(searchSchema, body));
    if (route === 'search/batch') return this.search.searchBatch(tenant, name, parseWith(searchBatchSchema, body));
    if (route === 'query') return this.search.query(tenant, name, parseWith(querySchema, body));
    return this.search.queryBatch(tenant, name, parseWith(queryBatchSchema, body));
  }
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw collectionNotFound(raw);
  }
}

/**
 * The parsed JSON body, or undefined when it is empty or not `application/json` (as
 * Fastify leaves it here). Over the limit, the rest is read and dropped so the 413 can
 * be answered on the same connection.
 */
function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > limit) return reject(new DomainError('payload_too_large', bodyTooLarge(limit)));
      const type = req.headers['content-type'];
      if (size === 0 || type === undefined || !JSON_TYPE.test(type)) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (err) {
        reject(new DomainError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`));
      }
    });
  });
}

/** The body as JSON; the service's RawJson (the node's printed points) go in as they are. */
function reply(res: ServerResponse, status: number, body: unknown): void {
  const data = stringifyWithRaw(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}
