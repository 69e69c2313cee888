/**
 * Runs `task` every `everyMs` in the background: never two runs at once (a slow run
 * makes the next tick a no-op), the timer never keeps the process alive, and a failed
 * run is reported to `onError` while the next one tries again.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly onError: (err: Error) => void,
  ) {}

  start(options: { runNow?: boolean } = {}): void {
    if (options.runNow) setImmediate(() => void this.runOnce());
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One run now, unless one is under way (then nothing). */
  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.task();
    } catch (err) {
      this.onError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.running = false;
    }
  }
}
