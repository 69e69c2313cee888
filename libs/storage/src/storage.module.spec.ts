import path from 'node:path';
import { Test } from '@nestjs/testing';
import { ConfigModule, type StorageConfig } from '@hivehub/config';
import { FsObjectStorage } from './fs-object-storage';
import { OBJECT_STORAGE, type ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';
import { StorageModule } from './storage.module';

const s3 = {
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  bucket: 'hivehub',
  accessKeyId: undefined,
  secretAccessKey: undefined,
  forcePathStyle: true,
};

async function resolveStorage(storage: StorageConfig): Promise<ObjectStorage> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ storage }), StorageModule],
  }).compile();
  const resolved = moduleRef.get<ObjectStorage>(OBJECT_STORAGE);
  await moduleRef.close();
  return resolved;
}

describe('StorageModule', () => {
  it('provides a filesystem store rooted at the absolute storage dir', async () => {
    const storage = await resolveStorage({ driver: 'fs', dir: './data/storage', s3 });
    expect(storage).toBeInstanceOf(FsObjectStorage);
    expect(storage.description).toBe(`fs:${path.resolve('./data/storage')}`);
  });

  it('provides an S3 store for the s3 driver', async () => {
    const storage = await resolveStorage({ driver: 's3', dir: './unused', s3 });
    expect(storage).toBeInstanceOf(S3ObjectStorage);
    expect(storage.description).toBe('s3:hivehub@http://127.0.0.1:9');
  });
});
