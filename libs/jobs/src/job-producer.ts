import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { InjectConfig, type RedisConfig } from '@hivehub/config';
import { redisConnection } from './redis-connection';
import { type JobName, type JobPayload, nodeQueueName, parsePayload } from './job-registry';

export interface EnqueueOptions {
  /** The PostgreSQL row id of the work, so a re-enqueue of the same row is a no-op. */
  jobId: string;
  attempts?: number;
}

/** Typed producer: validates the payload against the registry before it reaches Redis. */
@Injectable()
export class JobProducer implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, QueueEvents>();
  /** BullMQ leaves connections it was given open on close(), so they are closed here. */
  private readonly connections: Redis[] = [];

  constructor(@InjectConfig('redis') private readonly redis: RedisConfig) {}

  async enqueue<N extends JobName>(nodeId: string, name: N, payload: JobPayload<N>, options: EnqueueOptions) {
    const data = parsePayload(name, payload);
    return this.queue(nodeId).add(name, data, {
      jobId: options.jobId,
      attempts: options.attempts ?? 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Enqueues and waits for the result; throws the job's error or on timeout. */
  async run<N extends JobName>(nodeId: string, name: N, payload: JobPayload<N>, options: EnqueueOptions & { timeoutMs: number }) {
    const events = this.queueEvents(nodeId);
    await events.waitUntilReady();
    const job = await this.enqueue(nodeId, name, payload, options);
    return job.waitUntilFinished(events, options.timeoutMs);
  }

  /**
   * Where the job stands on a node's queue: 'missing' when Redis has no such job (lost
   * Redis, removed), else BullMQ's state ('waiting', 'delayed', 'active', 'completed', 'failed', …).
   */
  async state(nodeId: string, jobId: string): Promise<string> {
    const job = await this.queue(nodeId).getJob(jobId);
    if (!job) return 'missing';
    const state = await job.getState();
    return state === 'unknown' ? 'missing' : state;
  }

  /**
   * Enqueues a row's job afresh when Redis holds only a finished copy of it (a job id
   * is unique per queue, so the finished one must go first). A job still waiting or
   * running is left alone: enqueue with its id is then a no-op.
   */
  async requeue<N extends JobName>(nodeId: string, name: N, payload: JobPayload<N>, options: EnqueueOptions) {
    const job = await this.queue(nodeId).getJob(options.jobId);
    const state = job ? await job.getState() : 'missing';
    if (job && (state === 'completed' || state === 'failed')) await job.remove();
    return this.enqueue(nodeId, name, payload, options);
  }

  /** Removes a job that has not started (a cancelled row's); an active or missing one is left as it is. */
  async discardWaiting(nodeId: string, jobId: string): Promise<void> {
    const job = await this.queue(nodeId).getJob(jobId);
    if (!job) return;
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') await job.remove().catch(() => undefined);
  }

  /** Jobs waiting or delayed on a node's queue. */
  async depth(nodeId: string): Promise<number> {
    return this.queue(nodeId).count();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.events.values()].map((e) => e.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const connection of this.connections) connection.disconnect();
  }

  private connection(): Redis {
    const connection = redisConnection(this.redis.url);
    this.connections.push(connection);
    return connection;
  }

  private queue(nodeId: string): Queue {
    const name = nodeQueueName(nodeId);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection(), prefix: this.redis.queuePrefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private queueEvents(nodeId: string): QueueEvents {
    const name = nodeQueueName(nodeId);
    let events = this.events.get(name);
    if (!events) {
      events = new QueueEvents(name, { connection: this.connection(), prefix: this.redis.queuePrefix });
      this.events.set(name, events);
    }
    return events;
  }
}
