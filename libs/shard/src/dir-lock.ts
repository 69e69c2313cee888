import { promises as fs } from 'fs';
import * as path from 'path';
import { ShardError } from './types';

const LOCK_FILE = 'LOCK';
const heldInThisProcess = new Set<string>();

/**
 * One owner per shard directory: two engines appending to the same WAL would
 * interleave records and destroy it. Within a process a registry refuses a second
 * open; across processes a LOCK file holds the owner's pid, and a lock whose pid is
 * gone (a crashed node) is taken over. Not a guarantee across hosts sharing a
 * network disk: placement in PostgreSQL is what keeps a shard on one node.
 */
export class DirLock {
  private constructor(
    private readonly key: string,
    private readonly file: string,
  ) {}

  static async acquire(dir: string): Promise<DirLock> {
    const key = path.resolve(dir);
    if (heldInThisProcess.has(key)) throw new ShardError('conflict', `shard directory ${dir} is already open in this process`);
    heldInThisProcess.add(key);
    try {
      const file = path.join(key, LOCK_FILE);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
          return new DirLock(key, file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const holder = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
        if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
          throw new ShardError('conflict', `shard directory ${dir} is locked by running process ${holder}`);
        }
        await fs.rm(file, { force: true });
      }
      throw new ShardError('conflict', `shard directory ${dir}: could not take its lock`);
    } catch (error) {
      heldInThisProcess.delete(key);
      throw error;
    }
  }

  async release(): Promise<void> {
    try {
      await fs.rm(this.file, { force: true });
    } finally {
      heldInThisProcess.delete(this.key);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
