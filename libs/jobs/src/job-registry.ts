import { z } from 'zod';

/**
 * Every job a node can run, with the schema of its payload. Payloads carry ids
 * only: the handler reads everything else from PostgreSQL, so a job replayed after
 * a crash acts on current state, never on a stale copy.
 */
export const JOBS = {
  /** Round trip through a node's queue: proves the node consumes its jobs. */
  'node.ping': z.object({ pingId: z.string().uuid() }),
  /** Runs the backup row `backupId` on the node holding the tenant's shard. */
  'backup.create': z.object({ backupId: z.string().uuid() }),
  /**
   * Verifies the succeeded backup `backupId` (restores it into scratch space and checks
   * it) and records the outcome on its row. Job id `verify-<backupId>`. Any node can
   * run it: it never touches the tenant's live shard.
   */
  'backup.verify': z.object({ backupId: z.string().uuid() }),
  /** Runs the restore row `restoreId` on the node holding the tenant's shard. */
  'restore.run': z.object({ restoreId: z.string().uuid() }),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** Each node consumes one queue of its own (BullMQ forbids ':' in names). */
export function nodeQueueName(nodeId: string): string {
  return `jobs-${nodeId}`;
}

export function parsePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  return JOBS[name].parse(payload) as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** One verification of a backup waits or runs at a time: its job id. */
export function verifyJobId(backupId: string): string {
  return `verify-${backupId}`;
}
