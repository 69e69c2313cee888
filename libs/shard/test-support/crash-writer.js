// Child process for the crash test: writes points with wait=true from several
// concurrent writers and prints "ack <id>" only after the engine acknowledged the
// write. The test kills it with SIGKILL mid-stream and checks that every printed
// id survived. A second run on the same directory first recovers whatever the
// kill left behind, then goes on writing from <firstId>.
// Usage: node crash-writer.js <rootDir> <tenantId> <dim> <writers> <firstId>
require('./ts-require');
const { ShardStore } = require('../src/index.ts');
const { crashVector } = require('./crash-vector.js');

const [rootDir, tenantId, dimText, writersText, firstIdText] = process.argv.slice(2);
const dim = Number(dimText);

async function main() {
  // A small checkpoint threshold so the kill can land during or between checkpoints too.
  const store = new ShardStore({ rootDir, checkpointEveryBytes: 32 * 1024 });
  const shard = await store.open(tenantId);
  const existing = await shard.listCollections({});
  if (existing.length === 0) await shard.createCollection({ collection: 'c', config: { size: dim, distance: 'Euclid' } });
  let nextId = Number(firstIdText);
  const writer = async () => {
    for (;;) {
      const id = nextId++;
      await shard.upsert({ collection: 'c', wait: true, points: [{ id, vector: crashVector(id, dim), payload: { id } }] });
      // Pipes are synchronous on Linux: once this returns the line is in the pipe.
      process.stdout.write(`ack ${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: Number(writersText) }, writer));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
