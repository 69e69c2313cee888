import { promises as fs } from 'fs';
import * as path from 'path';
import { Shard, ShardOptions } from './shard';
import { ShardError } from './types';

export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_CHECKPOINT_EVERY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_WAL_FLUSH_INTERVAL_MS = 100;

export interface ShardStoreOptions {
  /** The node's shard directory: one sub-directory per tenant. */
  rootDir: string;
  /** Checkpoint a collection automatically once its WAL has grown by this much. */
  checkpointEveryBytes?: number;
  /** Upper bound on how long a wait=false write stays un-fsynced. */
  walFlushIntervalMs?: number;
  /** Failures nobody awaits (background fsync, automatic checkpoint). Default: printed to stderr. */
  onBackgroundError?: ShardOptions['onBackgroundError'];
}

/**
 * The shards a node hosts, `<rootDir>/<tenantId>/`. Each tenant is opened once:
 * concurrent `open` calls share one promise, and a failed open is forgotten so
 * the next call tries again.
 */
export class ShardStore {
  private readonly shards = new Map<string, Promise<Shard>>();
  private readonly options: ShardOptions;
  readonly rootDir: string;

  constructor(options: ShardStoreOptions) {
    this.rootDir = path.resolve(options.rootDir);
    this.options = {
      checkpointEveryBytes: positive(options.checkpointEveryBytes, DEFAULT_CHECKPOINT_EVERY_BYTES, 'checkpointEveryBytes'),
      walFlushIntervalMs: positive(options.walFlushIntervalMs, DEFAULT_WAL_FLUSH_INTERVAL_MS, 'walFlushIntervalMs'),
      onBackgroundError:
        options.onBackgroundError ??
        ((error, context) => console.error(`shard ${context.tenantId}/${context.collection ?? '-'}: ${error.stack ?? error.message}`)),
    };
  }

  open(tenantId: string): Promise<Shard> {
    try {
      assertTenantId(tenantId);
    } catch (error) {
      return Promise.reject(error);
    }
    const cached = this.shards.get(tenantId);
    if (cached) return cached;
    const forget = () => {
      if (this.shards.get(tenantId) === opening) this.shards.delete(tenantId);
    };
    const opening = Shard.open(tenantId, path.join(this.rootDir, tenantId), this.options, forget);
    this.shards.set(tenantId, opening);
    opening.catch(forget);
    return opening;
  }

  /** Tenant ids with a shard directory on disk (open or not). */
  async tenants(): Promise<string[]> {
    let entries;
    try {
      entries = await fs.readdir(this.rootDir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isDirectory() && TENANT_ID_PATTERN.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  /** Closes one tenant's shard if it is open. */
  async close(tenantId: string): Promise<void> {
    const opening = this.shards.get(tenantId);
    if (!opening) return;
    const shard = await opening.catch(() => null);
    await shard?.close();
  }

  async closeAll(): Promise<void> {
    const opening = [...this.shards.values()];
    const results = await Promise.allSettled(
      opening.map(async (promise) => {
        const shard = await promise.catch(() => null);
        await shard?.close();
      }),
    );
    this.shards.clear();
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    throw new ShardError('bad_request', `invalid tenant id ${JSON.stringify(tenantId)}: use 1-64 letters, digits, "_" or "-"`);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`ShardStore option ${name} must be a positive number`);
  return value;
}
