import { randomUUID } from 'node:crypto';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { stackInfo } from '../../../test/support/stack-info';
import { redisConnection } from './redis-connection';
import { SCHEDULES_QUEUE, ScheduleQueue } from './schedule-queue';

/**
 * What BullMQ's job schedulers actually do with the options ScheduleQueue gives them
 * (real Redis, a queue prefix of each test): the schedules feature relies on each of these.
 */
describe('ScheduleQueue on BullMQ job schedulers', () => {
  const redisUrl = () => stackInfo().env.REDIS_URL;
  const opened: { close(): Promise<void> }[] = [];
  const connections: Redis[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
    for (const c of connections.splice(0)) c.disconnect();
  });

  function queueOf(prefix: string): ScheduleQueue {
    const queue = new ScheduleQueue({ url: redisUrl(), queuePrefix: prefix });
    opened.push({ close: () => queue.onModuleDestroy() });
    return queue;
  }

  /** A consumer recording the slot of every tick it takes. */
  function consumer(prefix: string, slots: number[]): Worker {
    const connection = redisConnection(redisUrl());
    connections.push(connection);
    const worker = new Worker(SCHEDULES_QUEUE, async (job: Job) => void slots.push(Number(job.id!.split(':').pop())), {
      connection,
      prefix,
      concurrency: 2,
    });
    opened.push(worker);
    return worker;
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const spec = (revision = 1) => ({ scheduleId: randomUUID(), revision, cron: '* * * * * *', timezone: 'UTC' });

  it('runs slots missed while no consumer ran once at start, then only future slots', async () => {
    const prefix = `hhtest-sched-${randomUUID().slice(0, 8)}`;
    const queue = queueOf(prefix);
    const s = spec();
    await queue.upsert(s);
    const pending = (await queue.get(s.scheduleId))!;
    expect(pending.revision).toBe(1);

    await sleep(3500); // three or four slots pass with nobody consuming
    const slots: number[] = [];
    const startedAt = Date.now();
    consumer(prefix, slots);
    await sleep(2600);

    // The tick planned before the outage ran once; the next ones are slots after the start.
    expect(slots[0]).toBe(pending.next);
    const afterStart = slots.slice(1);
    expect(afterStart.length).toBeGreaterThanOrEqual(1);
    for (const slot of afterStart) expect(slot).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(new Set(slots).size).toBe(slots.length);
  }, 20_000);

  it('hands each tick to exactly one of several consumers', async () => {
    const prefix = `hhtest-sched-${randomUUID().slice(0, 8)}`;
    const queue = queueOf(prefix);
    const a: number[] = [];
    const b: number[] = [];
    consumer(prefix, a);
    consumer(prefix, b);
    await queue.upsert(spec());
    await sleep(4200);
    const all = [...a, ...b].sort();
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(new Set(all).size).toBe(all.length);
    // Consecutive slots, one second apart: none skipped, none doubled.
    for (let i = 1; i < all.length; i++) expect(all[i] - all[i - 1]).toBe(1000);
  }, 20_000);

  it('replaces a scheduler on upsert and stops it on remove, pending tick included', async () => {
    const prefix = `hhtest-sched-${randomUUID().slice(0, 8)}`;
    const queue = queueOf(prefix);
    const s = spec();
    await queue.upsert(s);
    await queue.upsert({ ...s, revision: 2, cron: '0 0 1 1 *' });
    const replaced = (await queue.get(s.scheduleId))!;
    expect(replaced.revision).toBe(2);
    expect(new Date(replaced.next!).toISOString()).toMatch(/-01-01T00:00:00.000Z$/);
    expect((await queue.list()).map((r) => r.scheduleId)).toEqual([s.scheduleId]);

    await queue.upsert({ ...s, revision: 3 });
    await queue.remove(s.scheduleId);
    const slots: number[] = [];
    consumer(prefix, slots);
    await sleep(2200);
    expect(slots).toEqual([]);
    expect(await queue.get(s.scheduleId)).toBeNull();
    await queue.remove(s.scheduleId); // a no-op the second time
  }, 20_000);
});
