import path from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { StorageConfig } from '@hivehub/config';
import { FsObjectStorage } from './fs-object-storage';
import { OBJECT_STORAGE, type ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';

/** The token ConfigModule.forRoot registers for the `storage` concern (what @InjectConfig('storage') injects). */
const STORAGE_CONFIG = 'hivehub.config.storage';

/** Builds the configured driver; also usable outside Nest (CLI, scripts). */
export function createObjectStorage(config: StorageConfig): ObjectStorage {
  return config.driver === 's3' ? new S3ObjectStorage(config.s3) : new FsObjectStorage(path.resolve(config.dir));
}

/** Provides OBJECT_STORAGE everywhere; needs ConfigModule.forRoot with a `storage` concern. */
@Global()
@Module({
  providers: [{ provide: OBJECT_STORAGE, inject: [STORAGE_CONFIG], useFactory: createObjectStorage }],
  exports: [OBJECT_STORAGE],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage) {}

  onApplicationShutdown(): void {
    if (this.storage instanceof S3ObjectStorage) this.storage.destroy();
  }
}
