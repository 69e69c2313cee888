import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { ZodError } from 'zod';
import { jobMetrics } from '@hivehub/common';
import { InjectConfig, type RedisConfig, type WorkerConfig } from '@hivehub/config';
import {
  JOB_HANDLER_METADATA,
  type JobHandlerClass,
  type JobName,
  nodeQueueName,
  parsePayload,
  redisConnection,
} from '@hivehub/jobs';
import { NodeIdentity } from '../node/node-identity.provider';

/**
 * Consumes this node's BullMQ queue and dispatches each job to its @JobHandler class.
 * Errors are never swallowed: a thrown error is retried by BullMQ with back-off,
 * UnrecoverableError (bad payload, permanent failure) fails the job at once.
 */
@Injectable()
export class JobRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('jobs');
  private readonly handlers = new Map<JobName, JobHandlerClass>();
  private worker?: Worker;
  private readonly metrics: ReturnType<typeof jobMetrics>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly identity: NodeIdentity,
    @InjectConfig('redis') private readonly redis: RedisConfig,
    @InjectConfig('worker') private readonly workerConfig: WorkerConfig,
    registry: Registry,
  ) {
    this.metrics = jobMetrics(registry);
  }

  /** Each job name's handler instance (WorkerModule.with checked there is exactly one). */
  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const name = Reflect.getMetadata(JOB_HANDLER_METADATA, wrapper.metatype) as JobName | undefined;
      if (typeof name === 'string') this.handlers.set(name, wrapper.instance as JobHandlerClass);
    }
  }

  /** Starts consuming; called once the node is registered. */
  start(): void {
    const queue = nodeQueueName(this.identity.id);
    this.worker = new Worker(queue, (job, token) => this.timed(job, token), {
      connection: redisConnection(this.redis.url),
      prefix: this.redis.queuePrefix,
      concurrency: this.workerConfig.concurrency,
      // A killed node's active job goes back to its queue once its lock lapses: a
      // shorter lock than BullMQ's 30 s brings a crashed backup back within ~20 s. The
      // lock is renewed every half period, so only an event loop blocked that long
      // could lose it, and the row's claim plus the shard lock keep a double run harmless.
      lockDuration: 15_000,
      stalledInterval: 5_000,
    });
    this.worker.on('failed', (job, err) => this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
    this.worker.on('error', (err) => this.logger.error(`queue ${queue}: ${err.message}`));
    this.logger.log(`consuming queue ${queue} (concurrency ${this.workerConfig.concurrency})`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }

  /** Runs one attempt, recording its duration and, when it fails, its error code. */
  private async timed(job: Job, token?: string): Promise<unknown> {
    const started = performance.now();
    let outcome = 'completed';
    try {
      return await this.dispatch(job, token);
    } catch (err) {
      if (err instanceof DelayedError) {
        outcome = 'postponed';
        throw err;
      }
      const permanent = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      outcome = permanent ? 'failed' : 'retry';
      this.metrics.failures.inc({ job: job.name, code: permanent ? errorCode(err) : 'retry' });
      throw err;
    } finally {
      this.metrics.duration.observe({ job: job.name, outcome }, (performance.now() - started) / 1000);
    }
  }

  private async dispatch(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job '${job.name}'`);
    let payload: unknown;
    try {
      payload = parsePayload(job.name as JobName, job.data);
    } catch (err) {
      const detail = err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(err);
      throw new UnrecoverableError(`invalid payload for '${job.name}': ${detail}`);
    }
    return handler.handle(payload as never, {
      jobId: job.id!,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      progress: (value) => job.updateProgress(value),
      postpone: async (delayMs) => {
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      },
    });
  }
}

/** A failure's code for the metric: a `code` the error carries (DomainError, ShardError, …), else its class. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[a-z_]{1,40}$/.test(code)) return code;
  return err instanceof UnrecoverableError ? 'unrecoverable' : 'error';
}
