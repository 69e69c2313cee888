import { Readable } from 'stream';
import { extract, pack } from 'tar-stream';
import { gunzipSync, gzipSync } from 'zlib';

export interface TarEntry {
  name: string;
  body: Buffer;
  type?: 'file' | 'symlink' | 'directory';
}

/** Reads a whole .tar.gz into memory (test archives are small). */
export async function readTarGz(archive: Buffer): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const ex = extract();
  Readable.from([gunzipSync(archive)]).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ name: entry.header.name, body: Buffer.concat(chunks), type: entry.header.type as TarEntry['type'] });
  }
  return entries;
}

export async function writeTarGz(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  for (const entry of entries) {
    if (entry.type === 'symlink') p.entry({ name: entry.name, type: 'symlink', linkname: '/etc/passwd' });
    else p.entry({ name: entry.name, type: entry.type ?? 'file' }, entry.body);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}
