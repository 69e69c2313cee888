/** Runs a row may start before the reconciler gives up on it (BullMQ's own retries included). */
export const MAX_RUNS = 5;

export type ReconcileAction = 'leave' | 'enqueue' | 'fail';

/**
 * What to do with an unfinished row that has been quiet for a while, given where its
 * job stands in Redis. A job still waiting, delayed or active is BullMQ's to finish (a
 * dead worker's active job returns to the queue when its lock lapses). A job Redis
 * lost, or one that ended without a terminal row (the worker died between the two),
 * is enqueued again, unless the row has used up its runs.
 */
export function reconcileAction(jobState: string, attempts: number): ReconcileAction {
  if (jobState !== 'missing' && jobState !== 'completed' && jobState !== 'failed') return 'leave';
  return attempts >= MAX_RUNS ? 'fail' : 'enqueue';
}
