import { apiConcern, clusterConcern, ConfigError, databaseConcern, loadConfig, schedulesConcern, storageConcern, workerConcern } from './index';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({ api: apiConcern, storage: storageConcern, database: databaseConcern }, {});
    expect(config.api).toMatchObject({ port: 15002, host: '0.0.0.0', serviceKeys: [], adminToken: undefined });
    expect(config.storage.driver).toBe('fs');
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/hivehub');
  });

  it('names every bad key of every concern in one error', () => {
    let error: unknown;
    try {
      loadConfig(
        { api: apiConcern, storage: storageConcern, database: databaseConcern, cluster: clusterConcern },
        { API_PORT: '99999', DATABASE_URL: 'http://x', STORAGE_DRIVER: 's3', HEARTBEAT_INTERVAL_MS: '100', NODE_DEAD_AFTER_MS: '50', HUB_SERVICE_KEYS: 'short' },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const key of ['API_PORT', 'DATABASE_URL', 'S3_BUCKET', 'NODE_DEAD_AFTER_MS', 'HUB_SERVICE_KEYS']) expect(message).toContain(key);
    expect(message).not.toContain('short,');
  });

  it('chooses S3 when a bucket is given and parses service keys', () => {
    const config = loadConfig(
      { storage: storageConcern, api: apiConcern },
      { S3_BUCKET: 'backups', S3_FORCE_PATH_STYLE: 'true', HUB_SERVICE_KEYS: ' aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbb ' },
    );
    expect(config.storage).toMatchObject({ driver: 's3', s3: { bucket: 'backups', forcePathStyle: true } });
    expect(config.api.serviceKeys).toEqual(['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);
  });

  it('verifies backups unless BACKUP_VERIFY is false', () => {
    expect(loadConfig({ worker: workerConcern }, {}).worker.verifyBackups).toBe(true);
    expect(loadConfig({ worker: workerConcern }, { BACKUP_VERIFY: 'false' }).worker.verifyBackups).toBe(false);
    expect(() => loadConfig({ worker: workerConcern }, { BACKUP_VERIFY: 'maybe' })).toThrow(/BACKUP_VERIFY/);
  });

  it("leaves the checkpoint size to the shard engine unless SHARD_CHECKPOINT_EVERY_BYTES sets one of at least 4 KiB", () => {
    expect(loadConfig({ worker: workerConcern }, {}).worker.checkpointEveryBytes).toBeUndefined();
    expect(loadConfig({ worker: workerConcern }, { SHARD_CHECKPOINT_EVERY_BYTES: '1048576' }).worker.checkpointEveryBytes).toBe(1048576);
    for (const bad of ['100', 'lots', '65536.5']) {
      expect(() => loadConfig({ worker: workerConcern }, { SHARD_CHECKPOINT_EVERY_BYTES: bad })).toThrow(/SHARD_CHECKPOINT_EVERY_BYTES/);
    }
  });

  it('limits backup schedules: 20 a tenant, 15 minutes apart, unless set', () => {
    expect(loadConfig({ schedules: schedulesConcern }, {}).schedules).toEqual({ maxPerTenant: 20, minIntervalSeconds: 900 });
    expect(loadConfig({ schedules: schedulesConcern }, { BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS: '1' }).schedules.minIntervalSeconds).toBe(1);
    expect(() => loadConfig({ schedules: schedulesConcern }, { BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS: '0', BACKUP_SCHEDULES_PER_TENANT: 'many' })).toThrow(
      /BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS[\s\S]*BACKUP_SCHEDULES_PER_TENANT|BACKUP_SCHEDULES_PER_TENANT[\s\S]*BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS/,
    );
  });

  it('wants S3 credentials in pairs', () => {
    expect(() => loadConfig({ storage: storageConcern }, { S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' })).toThrow(/S3_SECRET_ACCESS_KEY/);
  });
});
