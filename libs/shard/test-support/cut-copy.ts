import { createWriteStream, promises as fs } from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { CollectionCut } from '../src';

/** Lays a cut collection's files out under `dir`, as a restore would before installCollections. */
export async function copyCut(cut: CollectionCut, dir: string): Promise<string> {
  for (const file of cut.files) {
    const target = path.join(dir, ...file.path.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await pipeline(file.open(), createWriteStream(target));
    expect((await fs.stat(target)).size).toBe(file.size);
  }
  return dir;
}
