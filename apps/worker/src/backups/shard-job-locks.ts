import { Injectable } from '@nestjs/common';

/**
 * One backup or restore per shard at a time on this node: a second one for the same
 * tenant is postponed (its job goes back to the queue, delayed), never refused, and
 * does not hold a worker slot other tenants could use. A node runs one worker
 * process (its data dir is locked), so an in-process set is enough.
 */
@Injectable()
export class ShardJobLocks {
  private readonly held = new Set<string>();

  /** A release function, or null when the tenant's shard is busy with another job. */
  tryAcquire(tenantId: string): (() => void) | null {
    if (this.held.has(tenantId)) return null;
    this.held.add(tenantId);
    let released = false;
    return () => {
      if (!released) this.held.delete(tenantId);
      released = true;
    };
  }
}
