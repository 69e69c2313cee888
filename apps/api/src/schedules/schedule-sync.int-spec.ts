import { randomUUID } from 'node:crypto';
import { BackupScheduleRepository, PrismaService, TenantRepository } from '@hivehub/db';
import { ScheduleQueue } from '@hivehub/jobs';
import { stackInfo } from '../../../../test/support/stack-info';
import { ScheduleSync } from './schedule-sync.service';
import { SchedulerRegistry } from './scheduler-registry.service';

/**
 * ScheduleSync against real PostgreSQL and Redis, as one more api process with a queue
 * prefix of its own (nothing consumes it, so a tick stays pending as long as the test wants).
 */
describe('ScheduleSync (PostgreSQL + Redis)', () => {
  let prisma: PrismaService;
  let schedules: BackupScheduleRepository;
  let queue: ScheduleQueue;
  let sync: ScheduleSync;

  beforeAll(() => {
    const { env } = stackInfo();
    prisma = new PrismaService({ url: env.DATABASE_URL });
    schedules = new BackupScheduleRepository(prisma);
    queue = new ScheduleQueue({ url: env.REDIS_URL, queuePrefix: `hhtest-sync-${randomUUID().slice(0, 8)}` });
    sync = new ScheduleSync(schedules, queue, new SchedulerRegistry(queue));
  });
  afterAll(async () => {
    await queue.onModuleDestroy();
    await prisma.$disconnect();
  });

  async function schedule(enabled = true) {
    const tenantId = randomUUID();
    await new TenantRepository(prisma).create({ id: tenantId, name: `sync-${tenantId}`, maxCollections: 1, maxVectors: 1n, maxBackups: 5, maxStorageBytes: 1n });
    return (await schedules.createWithinLimit(tenantId, randomUUID(), { cron: '* * * * * *', timezone: 'UTC', collections: ['*'], keepLast: 1, maxAgeDays: null, enabled }, 5))!;
  }
  const register = (row: Awaited<ReturnType<typeof schedule>>) =>
    queue.upsert({ scheduleId: row.id, revision: row.revision, cron: row.cron, timezone: row.timezone });

  it('leaves a scheduler at its row’s revision alone, so a tick that fell due while no api ran is kept', async () => {
    const row = await schedule();
    await register(row);
    const pending = (await queue.get(row.id))!.next;
    await new Promise((r) => setTimeout(r, 2200));
    await sync.sync();
    // Re-registering would have planned the next future slot instead of the one that is due.
    expect((await queue.get(row.id))!.next).toBe(pending);
    expect(pending!).toBeLessThan(Date.now());
  });

  it('registers what Redis lost or holds at an older revision', async () => {
    const lost = await schedule();
    const older = await schedule();
    await register(older);
    await schedules.update(older.tenantId, older.id, { cron: '0 0 1 1 *' });
    await sync.sync();
    expect((await queue.get(lost.id))?.revision).toBe(1);
    const replaced = (await queue.get(older.id))!;
    expect(replaced.revision).toBe(2);
    expect(new Date(replaced.next!).toISOString()).toMatch(/-01-01T00:00:00.000Z$/);
  });

  it('removes schedulers whose schedule is disabled or gone', async () => {
    const disabled = await schedule(false);
    const deleted = await schedule();
    await register(disabled);
    await register(deleted);
    await schedules.delete(deleted.tenantId, deleted.id);
    const stranger = randomUUID();
    await queue.upsert({ scheduleId: stranger, revision: 1, cron: '0 0 * * *', timezone: 'UTC' });
    await sync.sync();
    for (const id of [disabled.id, deleted.id, stranger]) expect(await queue.get(id)).toBeNull();
  });
});
