import { mkdtempSync, promises as fs } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { FsObjectStorage, ObjectStorage, S3ObjectStorage } from '@hivehub/storage';
import { startS3rver } from '../../../test/support/s3rver';

export interface StorageUnderTest {
  storage: ObjectStorage;
  stop(): Promise<void>;
}

/** Both storage drivers the product ships, each against the real thing (a folder; s3rver). */
export const storageDrivers: { name: string; start(): Promise<StorageUnderTest> }[] = [
  {
    name: 'fs',
    async start() {
      const dir = mkdtempSync(path.join(tmpdir(), 'hivehub-backup-fs-'));
      return { storage: new FsObjectStorage(dir), stop: () => fs.rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3 (s3rver)',
    async start() {
      const dir = mkdtempSync(path.join(tmpdir(), 'hivehub-backup-s3rver-'));
      const server = await startS3rver({ dir, bucket: 'hivehub-backup-test' });
      const storage = new S3ObjectStorage({
        endpoint: server.endpoint,
        region: 'us-east-1',
        bucket: 'hivehub-backup-test',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
      });
      return {
        storage,
        async stop() {
          storage.destroy();
          await server.stop();
          await fs.rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

export async function keysUnder(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys;
}

export async function readObject(storage: ObjectStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
