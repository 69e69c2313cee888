import type { Dataset } from '../dataset';
import type { SearchFn, SweepResult } from '../measure';

export interface RunContext {
  data: Dataset;
  truth: Int32Array;
  /** Scratch directory of this run, removed at the end. */
  tmpDir: string;
  target: number;
  minSeconds: number;
  stopAtTarget: boolean;
  /** Start dist/ as it is instead of compiling the current source into bench/.build. */
  useDist: boolean;
  log: (line: string) => void;
  /** hnswlib-node's index, kept alive by its runner so the shard can be timed against it back to back. */
  baseline?: { chosenEf: number; setEf(ef: number): void; search: SearchFn };
  /** The shard engine's in-process QPS at its chosen setting, once it has run: the http runner's ceiling probe spends 1e6 / this µs a search. */
  engineQps?: number;
  /**
   * The shard engine, still open in-process at its chosen setting after its run: the
   * http runner times it right before and after its wrk measurement, so the ratio of
   * the two is not moved by the VM drifting in the minutes between the runs.
   */
  engine?: { ef: number; search: SearchFn; close(): Promise<void> };
}

/** The sweep settings every runner takes from the run as they are. */
export function sweepSettings(ctx: RunContext) {
  return { truth: ctx.truth, target: ctx.target, minSeconds: ctx.minSeconds, stopAtTarget: ctx.stopAtTarget, log: ctx.log };
}

/** What every system reports; extra figures go in `details`. */
export interface SystemResult {
  name: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or what failed. */
  reason?: string;
  /** How it was configured (index type, parameters, runtime). */
  setup?: string;
  buildSeconds?: number;
  sweep?: SweepResult;
  details?: Record<string, unknown>;
}

export function skipped(name: string, reason: string): SystemResult {
  return { name, status: 'skipped', reason };
}

/** Sweep values of an HNSW `ef`-like knob, ascending; all are >= k = 10. */
export const EF_VALUES = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];
