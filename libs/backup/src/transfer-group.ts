import type { Stream } from 'stream';
import { BackupError, cancelled } from './backup-error';

export interface BackupProgress {
  phase: string;
  bytesDone: number;
  bytesTotal: number;
}

/** Files moved at once: two keep the network busy between one file's end and the next's start. */
export const PARALLEL_FILES = 2;
const PROGRESS_EVERY_MS = 1000;

/**
 * Runs a set of transfers that fail together: the first failure (or the caller's
 * abort) destroys every stream still in flight, and `run` settles only when every
 * transfer has stopped, so cleanup never races an upload that is still finishing.
 */
export class TransferGroup {
  private failure: Error | null = null;
  private readonly active = new Set<Stream & { destroy(error?: Error): unknown }>();
  private readonly onAbort = () => this.fail(cancelled());
  private readonly stopping = new AbortController();

  constructor(private readonly signal?: AbortSignal) {
    if (signal?.aborted) this.fail(cancelled());
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /**
   * Aborted at the group's first failure: storage calls take it, so requests in flight
   * stop too (a stream that was already read whole is past the reach of `track`).
   */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  track = <T extends Stream & { destroy(error?: Error): unknown }>(stream: T): T => {
    if (this.failure) stream.destroy(this.failure);
    this.active.add(stream);
    stream.once('close', () => this.active.delete(stream));
    return stream;
  };

  fail(error: Error): void {
    this.failure ??= error;
    for (const stream of this.active) stream.destroy(this.failure);
    this.stopping.abort(this.failure);
  }

  /** Throws the group's first failure (a cancel included), if any. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  async run<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (!this.failure && next < items.length) {
        try {
          await each(items[next++]);
        } catch (error) {
          this.fail(error as Error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, items.length) }, worker));
    this.check();
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** Reports progress on every phase change and at least once a second in between. */
export class ProgressReporter {
  private done = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onProgress: ((progress: BackupProgress) => void) | undefined,
    private phase: string,
    private readonly total: number,
  ) {
    if (!onProgress) return;
    this.emit();
    this.timer = setInterval(() => this.emit(), PROGRESS_EVERY_MS);
    this.timer.unref();
  }

  add = (bytes: number): void => {
    this.done += bytes;
  };

  enter(phase: string): void {
    this.phase = phase;
    this.emit();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private emit(): void {
    // A failing progress sink (say, a database blip) must not fail the transfer.
    try {
      const result: unknown = this.onProgress?.({ phase: this.phase, bytesDone: this.done, bytesTotal: this.total });
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // ignored, as above
    }
  }
}

export function isCancel(error: unknown): boolean {
  return error instanceof BackupError && error.code === 'cancelled';
}
