import { spawn } from 'child_process';
import * as path from 'path';
import { ShardStore } from '../src';
import { crashVector } from '../test-support/crash-vector';
import { tempRoot } from '../test-support/fixtures';

const DIM = 16;

/** Runs the writer child until it has acknowledged `killAfter` writes, then SIGKILLs it; returns every acked id. */
async function writeUntilKilled(rootDir: string, firstId: number, killAfter: number): Promise<number[]> {
  const child = spawn(process.execPath, [path.join(__dirname, '../test-support/crash-writer.js'), rootDir, 'crash', String(DIM), '4', String(firstId)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
    if (acked.length >= killAfter) child.kill('SIGKILL');
  });
  // 'close' comes after the exit and after the pipes drained: every ack the child printed is in.
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
  expect(stderr).toBe('');
  expect(signal).toBe('SIGKILL');
  return acked;
}

describe('crash safety (kill -9 of a writing process)', () => {
  const root = tempRoot('crash');
  afterAll(() => root.cleanup());

  it('keeps every write acknowledged with wait=true, searchable, across two SIGKILLs mid-stream', async () => {
    const firstRun = await writeUntilKilled(root.dir, 0, 1500);
    // The second run recovers what the kill left (lock of a dead pid, WAL tail) and is killed again.
    const secondRun = await writeUntilKilled(root.dir, 100_000, 1000);
    const acked = [...firstRun, ...secondRun];
    expect(acked.length).toBeGreaterThanOrEqual(2500);

    const store = new ShardStore({ rootDir: root.dir });
    try {
      const shard = await store.open('crash');
      const info = await shard.getCollection({ collection: 'c' });
      expect(info.segments_count).toBe(4); // checkpoints happened while writing (labels, versions, payloads, graph)
      expect(shard.loadReport().c.loaded_graph).toBe(true);
      const found = await shard.retrieve({ collection: 'c', ids: acked, with_payload: true, with_vector: true });
      expect(found).toHaveLength(acked.length);
      for (const point of found) {
        expect(point.payload).toEqual({ id: point.id });
        expect(point.vector).toEqual(crashVector(point.id as number, DIM).map(Math.fround));
      }
      for (const id of acked.filter((_, i) => i % 10 === 0)) {
        const [top] = await shard.search({ collection: 'c', request: { vector: crashVector(id, DIM), limit: 1 } });
        expect(top).toMatchObject({ id, score: 0 });
      }
      expect(info.points_count).toBeGreaterThanOrEqual(acked.length);
    } finally {
      await store.closeAll();
    }
  });
});
