import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { InjectConfig, type RedisConfig } from '@hivehub/config';
import { redisConnection, SCHEDULE_TICK, SCHEDULES_QUEUE, scheduleTickSchema } from '@hivehub/jobs';
import { ScheduleFiring } from './schedule-firing.service';

/** Ticks one api process works on at once (each is a few queries and an enqueue). */
const CONCURRENCY = 4;
/** How long shutdown waits for ticks under way; BullMQ's close never ends while Redis is unreachable. */
const CLOSE_WAIT_MS = 5000;

/**
 * Every api process consumes the one cluster-wide `schedules` queue. BullMQ hands each
 * tick to exactly one consumer, so two api processes never both fire a slot, and any
 * live api process fires it when others are down. The api (not a worker node) takes
 * ticks because firing is control-plane work: it needs the tenant's placement and
 * quotas, then puts the backup job on the node's own queue like a request would.
 *
 * When the consumer takes a tick, BullMQ plans the scheduler's next slot from then:
 * slots missed while no consumer ran collapse into the one tick that was pending,
 * which runs once at start.
 */
@Injectable()
export class ScheduleTickConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('schedules');
  private worker?: Worker;
  private connection?: Redis;

  constructor(
    private readonly firing: ScheduleFiring,
    @InjectConfig('redis') private readonly redis: RedisConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = redisConnection(this.redis.url);
    this.worker = new Worker(SCHEDULES_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.redis.queuePrefix,
      concurrency: CONCURRENCY,
      // A killed api's tick returns to the queue within ~20 s; the slot's backup id keeps a second run harmless.
      lockDuration: 15_000,
      stalledInterval: 5_000,
    });
    this.worker.on('failed', (job, err) => this.logger.warn(`tick ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
    this.worker.on('error', (err) => this.logger.error(`queue ${SCHEDULES_QUEUE}: ${err.message}`));
  }

  /**
   * Lets ticks under way finish, for a while: one cut short is taken again once its
   * lock lapses, and its slot's backup id keeps the second run from inserting twice.
   */
  async onModuleDestroy(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([this.worker?.close(), waited]);
    clearTimeout(timer);
    this.connection?.disconnect();
  }

  private async process(job: Job): Promise<unknown> {
    if (job.name !== SCHEDULE_TICK) throw new UnrecoverableError(`unknown job '${job.name}' on the ${SCHEDULES_QUEUE} queue`);
    const tick = scheduleTickSchema.safeParse(job.data);
    if (!tick.success) throw new UnrecoverableError(`invalid tick payload: ${tick.error.message}`);
    const slot = slotOf(job);
    const outcome = await this.firing.fire(tick.data, slot, { attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 });
    return { outcome, slot: slot.toISOString() };
  }
}

/**
 * The slot a tick stands for: BullMQ names each job of a scheduler
 * `repeat:<scheduler id>:<slot millis>` and keeps the slot as `prevMillis`.
 */
export function slotOf(job: Pick<Job, 'id' | 'opts'>): Date {
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof prev === 'number' && Number.isFinite(prev)) return new Date(prev);
  const millis = Number(job.id?.split(':').pop());
  if (!Number.isFinite(millis)) throw new UnrecoverableError(`tick ${job.id} names no slot`);
  return new Date(millis);
}
