import { Logger } from '@nestjs/common';
import type { JobProgress, ProgressAck } from '@hivehub/db';

/** How often the row hears from a running job; also how often cancel is polled. */
export const TICK_MS = 1000;

/**
 * Writes the latest progress of a running job to its row once a second and reads the
 * row's cancel flag in the same beat; a cancel (or the row vanishing) aborts `signal`.
 * The write happens even without news, so a quiet row means a dead worker to the
 * reconciler. A failed write is logged and retried on the next tick: progress is
 * advisory, the terminal state is what must be written.
 */
export class ProgressTicker {
  private readonly logger = new Logger('jobs');
  private readonly controller = new AbortController();
  private latest: Partial<JobProgress> = {};
  private timer?: NodeJS.Timeout;
  private writing = false;
  private cancelSeen = false;

  constructor(
    private readonly write: (progress: Partial<JobProgress>) => Promise<ProgressAck>,
    private readonly everyMs = TICK_MS,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once a cancel was seen (polled, or declared by the job itself). */
  get cancelled(): boolean {
    return this.cancelSeen;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
  }

  report(progress: Partial<JobProgress>): void {
    const next = { ...this.latest, ...progress };
    if (next.bytesTotal && next.bytesDone !== undefined && progress.percent === undefined) {
      // 100 is written only with the terminal state.
      next.percent = Math.min(99, (next.bytesDone / next.bytesTotal) * 100);
    }
    this.latest = next;
  }

  /** The job learnt of a cancel itself (e.g. it lost the race to its commit phase). */
  cancel(): void {
    this.cancelSeen = true;
    this.controller.abort(new Error('cancelled'));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One beat, also callable directly (tests, a phase change worth writing at once). */
  async tick(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      const ack = await this.write(this.latest);
      if (ack.cancelRequested || !ack.running) this.cancel();
    } catch (err) {
      this.logger.warn(`progress not written: ${(err as Error).message}`);
    } finally {
      this.writing = false;
    }
  }
}
