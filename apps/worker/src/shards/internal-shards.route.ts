import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Histogram, Registry } from 'prom-client';
import { RawJson, type HotRoute } from '@hivehub/common';
import { isShardOp, NDJSON, ShardError, type ShardErrorCode } from '@hivehub/shard';
import { NodeToken } from './node-token';
import { ShardHost } from './shard-host.service';

const STATUS_BY_CODE: Record<ShardErrorCode, number> = {
  bad_request: 400,
  validation: 422,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 429,
  corrupt: 500,
  closed: 503,
};

/** Upserts arrive here whole from the api, which enforces the public BODY_LIMIT first. */
const MAX_BODY_BYTES = 256 * 2 ** 20;
const ROUTE = /^\/internal\/shards\/([^/?]+)\/ops\/([^/?]+)\/?(?:\?.*)?$/;

class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The node's internal data API, `POST /internal/shards/{tenantId}/ops/{op}` with the
 * op's args as body (libs/shard/src/ops.ts); answers `{ result }` or
 * `{ error: { code, message } }`. A list result is answered as NDJSON instead, an
 * element's JSON a line, when the request accepts `application/x-ndjson`: the api
 * passes search results on to its client without parsing them. Every tenant request
 * crosses this route, so it is served on node:http directly, ahead of Nest (see
 * main.ts): Express + Nest cost about three times the CPU of the search itself per call.
 */
@Injectable()
export class InternalShardsRoute implements HotRoute {
  private readonly logger = new Logger('internal-shards');
  private readonly durations: Histogram<'op' | 'status'>;

  constructor(
    private readonly host: ShardHost,
    private readonly nodeToken: NodeToken,
    registry: Registry,
  ) {
    this.durations = new Histogram({
      name: 'hivehub_shard_op_duration_seconds',
      help: 'Shard operations served on the internal route, by op and HTTP status',
      labelNames: ['op', 'status'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    });
  }

  matches(req: IncomingMessage): boolean {
    return req.url !== undefined && req.url.startsWith('/internal/shards/');
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const match = ROUTE.exec(req.url ?? '');
    const done = (status: number, body: unknown, write = reply) => {
      write(res, status, body);
      const op = match && isShardOp(match[2]) ? match[2] : 'unknown';
      this.durations.observe({ op, status: String(status) }, (performance.now() - started) / 1000);
    };
    this.run(req, match).then(
      (result) => (Array.isArray(result) && asksForLines(req) ? done(200, result, replyLines) : done(200, { result })),
      (err: unknown) => {
        if (err instanceof RouteError) return done(err.status, { error: { code: err.code, message: err.message } });
        if (err instanceof ShardError) return done(STATUS_BY_CODE[err.code], { error: { code: err.code, message: err.message } });
        this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        done(500, { error: { code: 'internal', message: err instanceof Error ? err.message : 'internal error' } });
      },
    );
  }

  private async run(req: IncomingMessage, match: RegExpExecArray | null): Promise<unknown> {
    if (!match) throw new RouteError(404, 'not_found', `no internal route ${req.method} ${req.url}`);
    if (req.method !== 'POST') throw new RouteError(405, 'method_not_allowed', 'shard operations are POSTed');
    if (!this.nodeToken.accepts(req.headers.authorization)) throw new RouteError(401, 'unauthorized', 'node token required');
    const [, tenantId, op] = match;
    if (!isShardOp(op)) throw new RouteError(400, 'bad_request', `unknown shard operation '${op}'`);
    const args = await readJson(req);
    const shard = await this.host.shardOf(decodeURIComponent(tenantId));
    const method = shard[op] as (a: unknown) => unknown;
    return method.call(shard, args ?? {});
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return chunks.push(chunk);
      // Too large: drop what was read and drain the rest, so the 413 still goes out.
      chunks.length = 0;
      reject(new RouteError(413, 'payload_too_large', `body over ${MAX_BODY_BYTES} bytes`));
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (err) {
        reject(new RouteError(400, 'bad_request', `body is not JSON: ${(err as Error).message}`));
      }
    });
  });
}

function asksForLines(req: IncomingMessage): boolean {
  return req.headers.accept?.split(',').some((type) => type.split(';')[0].trim() === NDJSON) ?? false;
}

/** A list, an element a line: JSON text never holds a raw newline. */
function replyLines(res: ServerResponse, status: number, list: unknown): void {
  const data = (list as unknown[]).map((element) => RawJson.of(element).text).join('\n');
  res.writeHead(status, { 'content-type': NDJSON, 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}
