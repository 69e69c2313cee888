import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FsObjectStorage } from './fs-object-storage';
import type { StoredObject } from './object-storage';
import { readAll } from './probe';

// Behaviour only the filesystem driver can show; the shared contract is in object-storage.int-spec.ts.
describe('FsObjectStorage', () => {
  let dir: string;
  let root: string;
  let storage: FsObjectStorage;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hivehub-fs-'));
    root = path.join(dir, 'root');
    storage = new FsObjectStorage(root);
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const collect = async (prefix: string) => {
    const out: StoredObject[] = [];
    for await (const obj of storage.list(prefix)) out.push(obj);
    return out.map((o) => o.key);
  };

  it('never writes outside its root for an escaping key', async () => {
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toMatchObject({ code: 'bad_request' });
    await expect(storage.put('a/../../escape', Buffer.from('x'))).rejects.toMatchObject({ code: 'bad_request' });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('lists a directory as "name/", in the order S3 gives keys', async () => {
    // '-' (0x2d) < '.' < '/' (0x2f) < '0' (0x30): a plain directory walk would put p/a/x first.
    for (const key of ['p/a/x', 'p/a-b', 'p/a0', 'p/a.txt']) await storage.put(key, Buffer.from(key));
    expect(await collect('p/')).toEqual(['p/a-b', 'p/a.txt', 'p/a/x', 'p/a0']);
    expect(await collect('p/a/')).toEqual(['p/a/x']);
  });

  it('removes emptied directories up to the root but no further', async () => {
    await storage.put('t/1/backups/b1/manifest.json', Buffer.from('{}'));
    await storage.put('t/1/keep', Buffer.from('k'));
    await storage.delete('t/1/backups/b1/manifest.json');
    expect(await fs.readdir(path.join(root, 't', '1'))).toEqual(['keep']);
    await storage.delete('t/1/keep');
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('leaves no temp file behind after a failed write', async () => {
    await storage.put('t/obj', Buffer.from('old'));
    const failing = new Readable({
      read() {
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.put('t/obj', failing)).rejects.toThrow('client went away');
    expect(await fs.readdir(path.join(root, 't'))).toEqual(['obj']);
  });

  it('a reader that opened an object reads it whole while a put replaces it', async () => {
    const first = randomBytes(4 * 1024 * 1024);
    await storage.put('big', first);
    const reading = await storage.get('big');
    await storage.put('big', randomBytes(1024));
    expect((await readAll(reading)).equals(first)).toBe(true);
    expect((await storage.head('big'))?.size).toBe(1024);
  });

  it('reports a key that clashes with a directory as conflict, and treats it as missing', async () => {
    await storage.put('a/b', Buffer.from('x'));
    await expect(storage.put('a', Buffer.from('y'))).rejects.toMatchObject({ code: 'conflict' });
    await expect(storage.put('a/b/c', Buffer.from('y'))).rejects.toMatchObject({ code: 'conflict' });
    expect(await storage.head('a')).toBeNull();
    await expect(storage.get('a')).rejects.toMatchObject({ code: 'not_found' });
    await expect(storage.delete('a')).resolves.toBeUndefined();
    expect(await collect('')).toEqual(['a/b']);
  });

  it('describes itself by absolute path', () => {
    expect(new FsObjectStorage('rel/dir').description).toBe(`fs:${path.resolve('rel/dir')}`);
  });
});
