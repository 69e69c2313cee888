import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { withTimeout } from '@hivehub/common';
import type { Redis } from 'ioredis';
import { InjectConfig, type RedisConfig } from '@hivehub/config';
import { PrismaService } from '@hivehub/db';
import { redisConnection } from '@hivehub/jobs';
import { OBJECT_STORAGE, type ObjectStorage } from '@hivehub/storage';
import { NodeDirectory } from '../nodes/node-directory.service';

const CHECK_TIMEOUT_MS = 3000;

export interface CheckResult {
  status: 'up' | 'down';
  latency_ms: number;
  error?: string;
  [detail: string]: unknown;
}

/** Each dependency checked in parallel with its own timeout, so one hung part cannot hide the others. */
@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    @InjectConfig('redis') redisConfig: RedisConfig,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly prisma: PrismaService,
    private readonly nodes: NodeDirectory,
  ) {
    // Fail fast while Redis is down instead of queueing the PING until it returns.
    this.redis = redisConnection(redisConfig.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.redis.on('error', () => {});
  }

  async check() {
    const [postgres, redis, storage, nodes] = await Promise.all([
      timed(() => this.prisma.check()),
      timed(async () => {
        if (this.redis.status === 'wait') await this.redis.connect();
        await this.redis.ping();
      }),
      timed(() => this.storage.check(), { target: this.storage.description }),
      timed(async () => {
        const alive = await this.nodes.alive();
        if (alive.length === 0) throw new Error('no live worker node (none has sent a heartbeat recently)');
        return { alive: alive.length };
      }),
    ]);
    const checks = { postgres, redis, storage, nodes };
    const ready = Object.values(checks).every((c) => c.status === 'up');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}

async function timed(probe: () => Promise<unknown>, extra: Record<string, unknown> = {}): Promise<CheckResult> {
  const started = Date.now();
  try {
    const details = await withTimeout(probe(), CHECK_TIMEOUT_MS, `no answer within ${CHECK_TIMEOUT_MS} ms`);
    return { status: 'up', latency_ms: Date.now() - started, ...extra, ...(typeof details === 'object' ? details : {}) };
  } catch (err) {
    return { status: 'down', latency_ms: Date.now() - started, ...extra, error: (err as Error).message };
  }
}
