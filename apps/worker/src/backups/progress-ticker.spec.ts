import type { JobProgress } from '@hivehub/db';
import { ProgressTicker } from './progress-ticker';

describe('ProgressTicker', () => {
  it('writes the latest progress each beat with a percent below 100', async () => {
    const written: Partial<JobProgress>[] = [];
    const ticker = new ProgressTicker(async (p) => {
      written.push(p);
      return { running: true, cancelRequested: false };
    });
    ticker.report({ phase: 'uploading', bytesTotal: 200, bytesDone: 50 });
    await ticker.tick();
    ticker.report({ bytesDone: 200 });
    await ticker.tick();
    await ticker.tick();
    expect(written).toEqual([
      { phase: 'uploading', bytesTotal: 200, bytesDone: 50, percent: 25 },
      { phase: 'uploading', bytesTotal: 200, bytesDone: 200, percent: 99 },
      { phase: 'uploading', bytesTotal: 200, bytesDone: 200, percent: 99 },
    ]);
    expect(ticker.signal.aborted).toBe(false);
  });

  it('aborts when the row asks for cancel or is gone', async () => {
    for (const ack of [{ running: true, cancelRequested: true }, { running: false, cancelRequested: false }]) {
      const ticker = new ProgressTicker(async () => ack);
      await ticker.tick();
      expect(ticker.signal.aborted).toBe(true);
      expect(ticker.cancelled).toBe(true);
    }
  });

  it('keeps going when a write fails', async () => {
    let calls = 0;
    const ticker = new ProgressTicker(async () => {
      calls += 1;
      if (calls === 1) throw new Error('PostgreSQL blip');
      return { running: true, cancelRequested: true };
    });
    await ticker.tick();
    expect(ticker.signal.aborted).toBe(false);
    await ticker.tick();
    expect(ticker.signal.aborted).toBe(true);
  });

  it('beats on its own once started', async () => {
    let calls = 0;
    const ticker = new ProgressTicker(async () => {
      calls += 1;
      return { running: true, cancelRequested: false };
    }, 10);
    ticker.start();
    // Wait for beats rather than for a fixed time: a loaded machine may delay timers.
    const deadline = Date.now() + 10_000;
    while (calls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    ticker.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});
