import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { InjectConfig, type RedisConfig } from '@hivehub/config';
import { redisConnection } from './redis-connection';

/**
 * The one cluster-wide queue of schedule ticks (not a node's queue: a tick is control
 * plane work). Each backup schedule is a BullMQ job scheduler of the same id on it;
 * BullMQ makes one job per slot, and each job is taken by exactly one consumer.
 */
export const SCHEDULES_QUEUE = 'schedules';
export const SCHEDULE_TICK = 'backup-schedule.tick';

/** A tick names its schedule and the revision it was registered with (ids only, like every payload). */
export const scheduleTickSchema = z.object({ scheduleId: z.string().uuid(), revision: z.number().int().positive() });
export type ScheduleTick = z.infer<typeof scheduleTickSchema>;

export interface SchedulerSpec {
  scheduleId: string;
  revision: number;
  cron: string;
  timezone: string;
}

/** What Redis holds for a scheduler: enough to tell whether it matches its row. */
export interface RegisteredScheduler {
  scheduleId: string;
  revision: number | null;
  next: number | null;
}

/** Tick jobs: a few quick retries for a transient failure (a node or PostgreSQL blip), then the slot is given up. */
const TICK_OPTIONS = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

/** Registers and removes the job schedulers of backup schedules on the schedules queue. */
@Injectable()
export class ScheduleQueue implements OnModuleDestroy {
  private queue?: Queue;
  private connection?: Redis;

  constructor(@InjectConfig('redis') private readonly redis: RedisConfig) {}

  /**
   * Creates or replaces the scheduler. Replacing drops its pending tick and plans the
   * next slot from now, so it is called only when the row changed (or Redis lost it),
   * never blindly at boot: that would drop a slot missed while everything was down.
   */
  async upsert(spec: SchedulerSpec): Promise<void> {
    const data: ScheduleTick = { scheduleId: spec.scheduleId, revision: spec.revision };
    await this.open().upsertJobScheduler(spec.scheduleId, { pattern: spec.cron, tz: spec.timezone }, { name: SCHEDULE_TICK, data, opts: TICK_OPTIONS });
  }

  /** Removes the scheduler and its pending tick; a no-op when there is none. */
  async remove(scheduleId: string): Promise<void> {
    await this.open().removeJobScheduler(scheduleId);
  }

  async list(): Promise<RegisteredScheduler[]> {
    const schedulers = await this.open().getJobSchedulers(0, -1, true);
    return schedulers.map((s) => {
      const parsed = scheduleTickSchema.safeParse(s.template?.data);
      return { scheduleId: s.key, revision: parsed.success ? parsed.data.revision : null, next: s.next ?? null };
    });
  }

  async get(scheduleId: string): Promise<RegisteredScheduler | null> {
    const s = await this.open().getJobScheduler(scheduleId);
    if (!s) return null;
    const parsed = scheduleTickSchema.safeParse(s.template?.data);
    return { scheduleId, revision: parsed.success ? parsed.data.revision : null, next: s.next ?? null };
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue?.close();
    // BullMQ leaves a connection it was given open on close().
    this.connection?.disconnect();
  }

  private open(): Queue {
    if (!this.queue) {
      this.connection = redisConnection(this.redis.url);
      this.queue = new Queue(SCHEDULES_QUEUE, { connection: this.connection, prefix: this.redis.queuePrefix });
      // Callers see each failed command; the connection's own errors (Redis down) only repeat them.
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }
}
