import { promises as fs } from 'fs';
import { sha256, writeFileAtomically } from './fs-util';
import { ShardError } from './types';

/**
 * Small JSON documents (config.json, manifest.json) carry the sha256 of their own
 * content, so a damaged one is reported as corrupt rather than half-trusted.
 */
export async function writeCheckedJson(file: string, body: object): Promise<void> {
  const json = JSON.stringify(body);
  await writeFileAtomically(file, `${JSON.stringify({ ...body, sha256: sha256(json) }, null, 2)}\n`);
}

export async function readCheckedJson<T>(file: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ShardError('corrupt', `${what} ${file} cannot be read: ${(error as Error).message}`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ShardError('corrupt', `${what} ${file} is not valid JSON`);
  }
  const { sha256: recorded, ...body } = parsed;
  if (typeof recorded !== 'string' || recorded !== sha256(JSON.stringify(body))) {
    throw new ShardError('corrupt', `${what} ${file} fails its checksum`);
  }
  return body as T;
}
