import { z } from 'zod';
import { bool, concern, port, positiveMs, url } from './define-config';

export const databaseConcern = concern(
  z.object({
    DATABASE_URL: url(['postgres', 'postgresql']).default('postgresql://postgres@127.0.0.1:5432/hivehub'),
  }),
  (raw) => ({ url: raw.DATABASE_URL }),
);

export const redisConcern = concern(
  z.object({
    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
    QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, - and _ only').default('hivehub'),
  }),
  (raw) => ({ url: raw.REDIS_URL, queuePrefix: raw.QUEUE_PREFIX }),
);

export const storageConcern = concern(
  z
    .object({
      STORAGE_DRIVER: z.enum(['fs', 's3']).optional(),
      STORAGE_DIR: z.string().min(1).default('./data/storage'),
      S3_ENDPOINT: url(['http', 'https']).optional(),
      S3_REGION: z.string().min(1).default('us-east-1'),
      S3_BUCKET: z.string().min(3).optional(),
      S3_ACCESS_KEY_ID: z.string().min(1).optional(),
      S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
      S3_FORCE_PATH_STYLE: bool(false),
    })
    .superRefine((raw, ctx) => {
      const driver = raw.STORAGE_DRIVER ?? (raw.S3_BUCKET ? 's3' : 'fs');
      if (driver === 's3' && !raw.S3_BUCKET) {
        ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE_DRIVER=s3' });
      }
      if (Boolean(raw.S3_ACCESS_KEY_ID) !== Boolean(raw.S3_SECRET_ACCESS_KEY)) {
        ctx.addIssue({
          code: 'custom',
          path: [raw.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'],
          message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together',
        });
      }
    }),
  (raw) => ({
    driver: (raw.STORAGE_DRIVER ?? (raw.S3_BUCKET ? 's3' : 'fs')) as 'fs' | 's3',
    dir: raw.STORAGE_DIR,
    s3: {
      endpoint: raw.S3_ENDPOINT,
      region: raw.S3_REGION,
      bucket: raw.S3_BUCKET ?? '',
      accessKeyId: raw.S3_ACCESS_KEY_ID,
      secretAccessKey: raw.S3_SECRET_ACCESS_KEY,
      forcePathStyle: raw.S3_FORCE_PATH_STYLE,
    },
  }),
);

/** Data-plane nodes: liveness and the token of their internal API; every process must agree. */
export const clusterConcern = concern(
  z
    .object({
      HEARTBEAT_INTERVAL_MS: positiveMs(5000),
      NODE_DEAD_AFTER_MS: positiveMs(15000),
      NODE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
      DATA_REQUEST_TIMEOUT_MS: positiveMs(30000),
    })
    .refine((raw) => raw.NODE_DEAD_AFTER_MS > raw.HEARTBEAT_INTERVAL_MS, {
      path: ['NODE_DEAD_AFTER_MS'],
      message: 'must be greater than HEARTBEAT_INTERVAL_MS',
    }),
  (raw) => ({
    heartbeatIntervalMs: raw.HEARTBEAT_INTERVAL_MS,
    nodeDeadAfterMs: raw.NODE_DEAD_AFTER_MS,
    nodeToken: raw.NODE_TOKEN,
    dataRequestTimeoutMs: raw.DATA_REQUEST_TIMEOUT_MS,
  }),
);

const secretList = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((keys) => keys.every((k) => k.length >= 16), { message: 'each service key must be at least 16 characters' });

export const apiConcern = concern(
  z.object({
    API_HOST: z.string().min(1).default('0.0.0.0'),
    API_PORT: port(15002),
    DATA_DIR: z.string().min(1).default('./data'),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    HUB_SERVICE_KEYS: secretList,
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 32mb').default('32mb'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  }),
  (raw) => ({
    host: raw.API_HOST,
    port: raw.API_PORT,
    dataDir: raw.DATA_DIR,
    adminToken: raw.ADMIN_TOKEN,
    serviceKeys: raw.HUB_SERVICE_KEYS,
    bodyLimit: raw.BODY_LIMIT,
    metricsToken: raw.METRICS_TOKEN,
  }),
);

/** Backup schedules (read by the api, which registers and fires them). */
export const schedulesConcern = concern(
  z.object({
    BACKUP_SCHEDULES_PER_TENANT: z.coerce.number().int().min(1).max(1000).default(20),
    BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(900),
  }),
  (raw) => ({ maxPerTenant: raw.BACKUP_SCHEDULES_PER_TENANT, minIntervalSeconds: raw.BACKUP_SCHEDULE_MIN_INTERVAL_SECONDS }),
);

export const workerConcern = concern(
  z.object({
    NODE_ID: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, - and _ only, at most 64').optional(),
    NODE_DATA_DIR: z.string().min(1).default('./data/node'),
    WORKER_HOST: z.string().min(1).default('127.0.0.1'),
    WORKER_PORT: port(15003),
    WORKER_ADVERTISE_URL: url(['http', 'https']).optional(),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    WORKER_SCHEDULABLE: bool(true),
    BACKUP_VERIFY: bool(true),
    /** Unset: the shard engine's default (64 MiB). */
    SHARD_CHECKPOINT_EVERY_BYTES: z.coerce.number().int().min(4096).optional(),
  }),
  (raw) => ({
    nodeId: raw.NODE_ID,
    dataDir: raw.NODE_DATA_DIR,
    host: raw.WORKER_HOST,
    port: raw.WORKER_PORT,
    advertiseUrl: raw.WORKER_ADVERTISE_URL,
    concurrency: raw.WORKER_CONCURRENCY,
    schedulable: raw.WORKER_SCHEDULABLE,
    verifyBackups: raw.BACKUP_VERIFY,
    checkpointEveryBytes: raw.SHARD_CHECKPOINT_EVERY_BYTES,
  }),
);

export const logConcern = concern(
  z.object({
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  }),
  (raw) => ({ level: raw.LOG_LEVEL, format: raw.LOG_FORMAT }),
);

export type DatabaseConfig = ReturnType<typeof databaseConcern.map>;
export type RedisConfig = ReturnType<typeof redisConcern.map>;
export type StorageConfig = ReturnType<typeof storageConcern.map>;
export type ClusterConfig = ReturnType<typeof clusterConcern.map>;
export type ApiConfig = ReturnType<typeof apiConcern.map>;
export type SchedulesConfig = ReturnType<typeof schedulesConcern.map>;
export type WorkerConfig = ReturnType<typeof workerConcern.map>;
export type LogConfig = ReturnType<typeof logConcern.map>;
