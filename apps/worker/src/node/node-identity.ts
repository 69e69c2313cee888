import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomAlphanumeric } from '@hivehub/common';

/**
 * A node keeps its id across restarts: shards are placed on an id, so a restarted
 * node must come back as itself. NODE_ID wins; otherwise the id is kept in the data dir.
 */
export function resolveNodeId(dataDir: string, configured?: string): string {
  const file = path.join(dataDir, 'node-id');
  mkdirSync(dataDir, { recursive: true });
  let stored: string | undefined;
  try {
    stored = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (configured && stored && configured !== stored) {
    throw new Error(`NODE_ID=${configured} but ${dataDir} belongs to node ${stored}; use that id or another data dir`);
  }
  const id = configured ?? stored ?? `node-${randomAlphanumeric(10)}`;
  if (!stored) writeFileSync(file, `${id}\n`, { flag: 'wx' });
  return id;
}
