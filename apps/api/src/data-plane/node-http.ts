import net from 'node:net';
import tls from 'node:tls';
import { NDJSON } from '@hivehub/shard';

export class NodeUnreachableError extends Error {}
export class NodeTimeoutError extends Error {}

export interface NodeReply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** An NDJSON reply (asked for with `lines`): the JSON text of each line; `body` is then {}. */
  lines?: string[];
}

/** At most this many connections to one node; further calls wait for a free one. */
const MAX_CONNECTIONS_PER_NODE = 256;
/** An idle connection is closed after this long: before the node's keep-alive timeout (5 s) can close it under a new request. */
const IDLE_CLOSE_MS = 2000;

/**
 * POSTs JSON to a node's internal API and resolves with the status and the parsed JSON
 * reply (or {} when it is not JSON). With `lines`, it asks for an NDJSON reply to a list
 * result and hands its lines over unparsed (`NodeReply.lines`), for the caller to pass on
 * as they are. Connections are kept alive in one pool per node per api process, one
 * request at a time on each.
 *
 * The request is written to the socket directly rather than through node:http's
 * ClientRequest, which cost ~70 µs of CPU a call on this project's machines (a third
 * of a bare proxy hop) and every data request makes one. The node is our own worker;
 * its replies carry a Content-Length or are chunked, and any other reply is read to the
 * connection's end (RFC 9112 §6.3).
 */
export function postJson(url: string, token: string, payload: unknown, timeoutMs: number, lines = false): Promise<NodeReply> {
  return postBody(url, token, JSON.stringify(payload), timeoutMs, lines);
}

/** postJson with the body already serialised (bench/search/floor-probe.ts forwards bodies as they came). */
export function postBody(url: string, token: string, body: string, timeoutMs: number, lines = false): Promise<NodeReply> {
  const target = new URL(url);
  const request =
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer ${token}\r\n` +
    `${lines ? `Accept: ${NDJSON}\r\n` : ''}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return poolFor(target).send(request, timeoutMs);
}

const pools = new Map<string, NodePool>();

function poolFor(target: URL): NodePool {
  let pool = pools.get(target.origin);
  if (!pool) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new NodeUnreachableError(`unsupported node address ${target.origin}`);
    pool = new NodePool(target);
    pools.set(target.origin, pool);
  }
  return pool;
}

class NodePool {
  private readonly idle: NodeConnection[] = [];
  private readonly waiting: (() => void)[] = [];
  private open = 0;

  constructor(private readonly target: URL) {}

  send(request: string, timeoutMs: number): Promise<NodeReply> {
    if (this.idle.length === 0 && this.open >= MAX_CONNECTIONS_PER_NODE) return this.queue(request, timeoutMs);
    const connection = this.idle.pop() ?? this.connect();
    return connection.send(request, timeoutMs);
  }

  /** Waits for a free connection; the time spent waiting counts against the call's timeout. */
  private queue(request: string, timeoutMs: number): Promise<NodeReply> {
    const queuedAt = Date.now();
    return new Promise<NodeReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(new NodeTimeoutError(`no connection to the node was free within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        this.send(request, Math.max(1, timeoutMs - (Date.now() - queuedAt))).then(resolve, reject);
      };
      this.waiting.push(wake);
    });
  }

  private connect(): NodeConnection {
    const { hostname, protocol } = this.target;
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    const port = Number(this.target.port) || (protocol === 'https:' ? 443 : 80);
    const socket =
      protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
    this.open++;
    return new NodeConnection(socket, (connection, reusable) => this.release(connection, reusable));
  }

  private release(connection: NodeConnection, reusable: boolean): void {
    if (reusable) this.idle.push(connection);
    else {
      this.open--;
      const i = this.idle.indexOf(connection);
      if (i >= 0) this.idle.splice(i, 1);
    }
    this.waiting.shift()?.();
  }
}

interface Pending {
  resolve: (reply: NodeReply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  reply: ReplyReader;
}

/** One keep-alive connection: at most one request in flight; back to the pool once its reply is read. */
class NodeConnection {
  private pending?: Pending;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly release: (connection: NodeConnection, reusable: boolean) => void,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_CLOSE_MS, () => {
      if (!this.pending) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(new NodeUnreachableError(err.message)));
    socket.on('close', () => this.close(new NodeUnreachableError('the node closed the connection before answering')));
    socket.on('end', () => {
      if (this.pending?.reply.readsToEnd) this.finish(false);
      else socket.destroy();
    });
  }

  send(request: string, timeoutMs: number): Promise<NodeReply> {
    return new Promise<NodeReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.socket.destroy();
        reject(new NodeTimeoutError(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { resolve, reject, timer, reply: new ReplyReader() };
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    const reply = this.pending?.reply;
    if (!reply) {
      this.socket.destroy(); // bytes nobody asked for: the connection cannot be trusted
      return;
    }
    try {
      if (reply.add(chunk)) this.finish(reply.keepAlive);
    } catch (err) {
      this.socket.destroy();
      this.fail(new NodeUnreachableError(`malformed reply from the node: ${(err as Error).message}`));
    }
  }

  private finish(reusable: boolean): void {
    const pending = this.pending!;
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (!reusable) this.socket.destroy();
    else this.release(this, true);
    pending.resolve(pending.reply.result());
  }

  private fail(err: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.reject(err);
  }

  /** The socket is gone (closed, reset or destroyed): fail a request in flight and leave the pool. */
  private close(err: Error): void {
    this.fail(err);
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.release(this, false);
  }
}

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Reads one HTTP/1.1 reply: its status line, the headers it needs, and the body.
 * Received chunks are only joined when there may be enough of them to go on, so a
 * reply of many megabytes is copied once, not once per chunk.
 */
class ReplyReader {
  status = 0;
  keepAlive = true;
  /** No Content-Length and not chunked: the body is what comes until the connection ends. */
  readsToEnd = false;
  /** Received, not yet consumed: `parts` joined start at `offset`, `length` bytes in all. */
  private parts: Buffer[] = [];
  private length = 0;
  private offset = 0;
  /** Bytes `length` must reach before parsing can go on. */
  private need = 0;
  private headRead = false;
  private contentLength = -1;
  private chunked = false;
  private ndjson = false;
  private body: Buffer[] = [];

  /** Adds received bytes; true once the whole reply is in. */
  add(chunk: Buffer): boolean {
    this.parts.push(chunk);
    this.length += chunk.length;
    if (this.length < this.need || this.readsToEnd) return false;
    if (!this.headRead && !this.readHead()) return false;
    if (this.readsToEnd) return false;
    if (this.chunked) return this.readChunks();
    this.need = this.offset + this.contentLength;
    return this.length >= this.need;
  }

  result(): NodeReply {
    const rest = this.joined().subarray(this.offset, this.readsToEnd ? undefined : this.offset + this.contentLength);
    const bytes = this.chunked ? Buffer.concat(this.body) : rest;
    if (this.ndjson) return { status: this.status, body: {}, lines: splitLines(bytes) };
    let body: unknown = {};
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      // not JSON: the caller reports the status
    }
    return { status: this.status, body };
  }

  private joined(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts, this.length)];
    return this.parts[0] ?? Buffer.alloc(0);
  }

  private readHead(): boolean {
    const buffer = this.joined();
    const end = buffer.indexOf(HEAD_END);
    if (end < 0) {
      if (buffer.length > MAX_HEAD_BYTES) throw new Error('headers too long');
      return false;
    }
    const lines = buffer.toString('latin1', 0, end).split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (!status) throw new Error(`not an HTTP/1.x status line: ${lines[0].slice(0, 80)}`);
    this.status = Number(status[2]);
    this.keepAlive = status[1] === '1';
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      const name = lines[i].slice(0, colon).toLowerCase();
      const value = lines[i].slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') this.contentLength = Number(value);
      else if (name === 'content-type') this.ndjson = value.split(';')[0].trim() === NDJSON;
      else if (name === 'transfer-encoding') this.chunked = value.endsWith('chunked');
      else if (name === 'connection') this.keepAlive = value === 'keep-alive' || (this.keepAlive && value !== 'close');
    }
    if (this.status < 200) throw new Error(`unexpected interim reply ${this.status}`);
    if (this.chunked) this.contentLength = -1;
    else if (this.status === 204 || this.status === 304) this.contentLength = 0;
    else if (!(this.contentLength >= 0 && Number.isSafeInteger(this.contentLength))) {
      if (this.contentLength !== -1) throw new Error('invalid Content-Length');
      this.readsToEnd = true;
      this.keepAlive = false;
    }
    this.offset = end + HEAD_END.length;
    this.headRead = true;
    return true;
  }

  /** Moves complete chunks to the body; true after the last one. */
  private readChunks(): boolean {
    let buffer = this.joined();
    this.need = 0;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', this.offset);
      if (lineEnd < 0) break;
      const size = parseInt(buffer.toString('latin1', this.offset, lineEnd), 16);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error('invalid chunk size');
      if (size === 0) {
        // The last chunk, then optional trailer lines, then an empty line.
        const after = lineEnd + 2;
        if (buffer.length >= after + 2 && buffer[after] === 13 && buffer[after + 1] === 10) return true;
        return buffer.indexOf(HEAD_END, lineEnd) >= 0;
      }
      if (buffer.length < lineEnd + 2 + size + 2) {
        this.need = lineEnd + 2 + size + 2 - this.offset;
        break;
      }
      this.body.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      this.offset = lineEnd + 2 + size + 2;
    }
    // Keep only what is not consumed: the next join copies no finished chunk again.
    buffer = buffer.subarray(this.offset);
    this.parts = [buffer];
    this.length = buffer.length;
    this.offset = 0;
    return false;
  }
}

/** The lines of an NDJSON body, as text; an empty body has none (JSON text is never empty). */
function splitLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    lines.push(bytes.toString('utf8', start, end));
    start = end + 1;
  }
  return lines;
}
