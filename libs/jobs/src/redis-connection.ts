import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connection options BullMQ needs: no per-command retry limit (blocking commands),
 * and a bounded reconnect back-off so a Redis outage neither spins nor gives up.
 */
export function redisConnection(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    ...overrides,
  });
}
