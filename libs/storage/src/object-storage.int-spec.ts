import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DomainError } from '@hivehub/common';
import { startS3rver } from '../../../test/support/s3rver';
import { FsObjectStorage } from './fs-object-storage';
import type { ObjectStorage, StoredObject } from './object-storage';
import { PROBE_PREFIX, readAll } from './probe';
import { S3ObjectStorage } from './s3-object-storage';

const BUCKET = 'hivehub-test';
const MiB = 1024 * 1024;

interface Harness {
  storage: ObjectStorage;
  /** Names of the S3 commands sent so far; undefined for drivers without requests. */
  commands?: string[];
  stop(): Promise<void>;
}

interface Driver {
  name: string;
  start(): Promise<Harness>;
}

const tempDir = (label: string) => fs.mkdtemp(path.join(os.tmpdir(), `hivehub-${label}-`));

const drivers: Driver[] = [
  {
    name: 'fs',
    async start() {
      const dir = await tempDir('fs-storage');
      return { storage: new FsObjectStorage(dir), stop: () => fs.rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3 (s3rver)',
    async start() {
      const dir = await tempDir('s3rver');
      const server = await startS3rver({ dir, bucket: BUCKET });
      const storage = new S3ObjectStorage({
        endpoint: server.endpoint,
        region: 'us-east-1',
        bucket: BUCKET,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
      });
      // Peeks at the client only to prove multipart and pagination really happen.
      const commands: string[] = [];
      (storage as unknown as { client: S3Client }).client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(context.commandName as string);
          return next(args);
        },
        { step: 'initialize', name: 'recordCommands' },
      );
      return {
        storage,
        commands,
        async stop() {
          storage.destroy();
          await server.stop();
          await fs.rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

async function collect(iterable: AsyncIterable<StoredObject>): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const obj of iterable) out.push(obj);
  return out;
}

/** Emits `size` random bytes in 64 KiB chunks and reports their sha256 once done. */
function randomStream(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let left = size;
  const stream = new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(64 * 1024, left));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.copy().digest('hex') };
}

/** Fails after `failAfter` bytes, like a client that disconnects mid-upload. */
function failingStream(failAfter: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= failAfter) return void this.destroy(new Error('client went away'));
      sent += 64 * 1024;
      this.push(Buffer.alloc(64 * 1024, 7));
    },
  });
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

describe.each(drivers)('ObjectStorage contract: $name', (driver) => {
  let h: Harness;
  // Every test writes under its own prefix: no state shared between tests.
  const ns = () => `tenants/${randomUUID()}/`;

  beforeAll(async () => {
    h = await driver.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('round-trips a Buffer and reports its size', async () => {
    const key = `${ns()}manifest.json`;
    const body = Buffer.concat([Buffer.from('{"v":1}'), randomBytes(1000), Buffer.from([0, 255])]);
    await h.storage.put(key, body);
    expect((await readAll(await h.storage.get(key))).equals(body)).toBe(true);
    const head = await h.storage.head(key);
    expect(head).toMatchObject({ key, size: body.length });
    expect(Math.abs(head!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('stores a stream larger than 20 MiB intact (multipart on S3)', async () => {
    const key = `${ns()}segments/000001.seg`;
    const size = 21 * MiB + 123;
    const source = randomStream(size);
    const before = h.commands?.length ?? 0;
    await h.storage.put(key, source.stream);
    expect((await h.storage.head(key))?.size).toBe(size);
    const readBack = createHash('sha256');
    for await (const chunk of await h.storage.get(key)) readBack.update(chunk);
    expect(readBack.digest('hex')).toBe(source.sha256());
    if (h.commands) {
      const sent = h.commands.slice(before);
      expect(sent).toContain('CreateMultipartUploadCommand');
      expect(sent.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    }
  });

  it('stops a put when its signal aborts, storing nothing, even while the body has not ended', async () => {
    const key = `${ns()}cancelled.bin`;
    // A body that never ends: without the abort this put would wait forever.
    const body = new Readable({ read() {} });
    body.push(randomBytes(MiB));
    const controller = new AbortController();
    const put = h.storage.put(key, body, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by the test')), 100);
    await expect(put).rejects.toThrow();
    expect(await h.storage.head(key)).toBeNull();
    const already = new AbortController();
    already.abort();
    await expect(h.storage.put(key, Buffer.from('x'), { signal: already.signal })).rejects.toThrow();
    expect(await h.storage.head(key)).toBeNull();
  });

  it.each([
    ['before the first part', MiB],
    ['after multipart began', 20 * MiB],
  ])('keeps the old object when the source stream fails %s', async (_when, failAfter) => {
    const key = `${ns()}state.bin`;
    await h.storage.put(key, Buffer.from('old'));
    await expect(h.storage.put(key, failingStream(failAfter))).rejects.toThrow('client went away');
    expect((await readAll(await h.storage.get(key))).toString()).toBe('old');
    expect((await collect(h.storage.list(key))).map((o) => o.size)).toEqual([3]);
  });

  it.each([
    ['longer', 'new data!'],
    ['shorter', 'ne'],
  ])('rejects a stream %s than contentLength and keeps the old object', async (_how, data) => {
    const key = `${ns()}obj`;
    await h.storage.put(key, Buffer.from('old'));
    const put = h.storage.put(key, Readable.from([Buffer.from(data)]), { contentLength: 3 });
    await expect(put).rejects.toMatchObject({ code: 'bad_request' });
    expect((await readAll(await h.storage.get(key))).toString()).toBe('old');
  });

  it('head returns null and get throws not_found for a missing object', async () => {
    const key = `${ns()}missing`;
    expect(await h.storage.head(key)).toBeNull();
    const err = await h.storage.get(key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'not_found' });
  });

  it('deletes objects, and deleting a missing one is not an error', async () => {
    const prefix = ns();
    await h.storage.put(`${prefix}a/b/c`, Buffer.from('x'));
    await h.storage.delete(`${prefix}a/b/c`);
    expect(await h.storage.head(`${prefix}a/b/c`)).toBeNull();
    await expect(h.storage.get(`${prefix}a/b/c`)).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.storage.delete(`${prefix}a/b/c`)).resolves.toBeUndefined();
    await expect(h.storage.delete(`${prefix}never/written`)).resolves.toBeUndefined();
    expect(await collect(h.storage.list(prefix))).toEqual([]);
  });

  it('overwrite replaces the object', async () => {
    const key = `${ns()}state.json`;
    await h.storage.put(key, Buffer.from('first version, rather long'));
    await h.storage.put(key, Buffer.from('second'));
    expect((await readAll(await h.storage.get(key))).toString()).toBe('second');
    expect((await h.storage.head(key))?.size).toBe(6);
    expect((await collect(h.storage.list(key))).map((o) => o.key)).toEqual([key]);
  });

  it('lists exactly the keys under a prefix, in key order, with sizes', async () => {
    const root = ns();
    const inside = [`${root}b/2`, `${root}b/10`, `${root}b/1/deep`, `${root}b/x.json`];
    const outside = [`${root}a/1`, `${root}c`, `${root}bb/1`];
    for (const key of [...inside, ...outside]) await h.storage.put(key, Buffer.from(key));
    const listed = await collect(h.storage.list(`${root}b/`));
    expect(listed.map((o) => o.key)).toEqual([...inside].sort());
    expect(listed.map((o) => o.size)).toEqual([...inside].sort().map((k) => Buffer.byteLength(k)));
    // A prefix need not end at a `/`.
    expect((await collect(h.storage.list(`${root}b`))).map((o) => o.key)).toEqual([...inside, `${root}bb/1`].sort());
    expect(await collect(h.storage.list(`${root}nothing/`))).toEqual([]);
  });

  it('lists more than one page (over 1000 objects) without gaps or duplicates', async () => {
    const prefix = `${ns()}many/`;
    const keys = Array.from({ length: 1100 }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
    await inParallel(keys, 16, (key) => h.storage.put(key, Buffer.from('.')));
    await h.storage.put(`${prefix.slice(0, -1)}-sibling`, Buffer.from('not listed'));
    const before = h.commands?.length ?? 0;
    const listed = await collect(h.storage.list(prefix));
    expect(listed.map((o) => o.key)).toEqual(keys);
    if (h.commands) {
      expect(h.commands.slice(before).filter((c) => c === 'ListObjectsV2Command')).toHaveLength(2);
    }
  });

  it('check() passes and leaves no probe object behind', async () => {
    await expect(h.storage.check()).resolves.toBeUndefined();
    expect(await collect(h.storage.list(PROBE_PREFIX))).toEqual([]);
  });

  it.each(['../escape', 'a/../../escape', '/etc/passwd', '', 'a//b', 'a\\b', 'nul\0byte', './a'])(
    'rejects the key %j with bad_request',
    async (key) => {
      for (const op of [
        () => h.storage.put(key, Buffer.from('x')),
        () => h.storage.get(key),
        () => h.storage.head(key),
        () => h.storage.delete(key),
      ]) {
        await expect(op()).rejects.toMatchObject({ code: 'bad_request' });
      }
    },
  );

  it('rejects a prefix that climbs out of the root', async () => {
    await expect(collect(h.storage.list('../'))).rejects.toMatchObject({ code: 'bad_request' });
  });
});
