import { SetMetadata } from '@nestjs/common';
import type { JobName, JobPayload } from './job-registry';

export const JOB_HANDLER_METADATA = 'hivehub:job-handler';

export interface JobContext {
  jobId: string;
  attempt: number;
  /** Runs BullMQ grants the job in all; the last one must leave a terminal state behind. */
  maxAttempts: number;
  /**
   * Gives the job back to the queue for `delayMs` without counting an attempt (the
   * resource it needs is busy). Always throws: return what it throws from the handler.
   */
  postpone(delayMs: number): Promise<never>;
  /** Report progress (0–100 or a structured object) to BullMQ. */
  progress(value: number | object): Promise<void>;
}

/** One class per job name, marked with @JobHandler(name); the worker checks there is exactly one. */
export interface JobHandlerClass<N extends JobName = JobName> {
  handle(payload: JobPayload<N>, context: JobContext): Promise<unknown>;
}

export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER_METADATA, name);
