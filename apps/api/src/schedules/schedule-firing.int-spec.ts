import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { DomainError } from '@hivehub/common';
import { BackupRepository, BackupScheduleRepository, BackupSource, PrismaService, type Tenant, TenantRepository } from '@hivehub/db';
import { ScheduleQueue } from '@hivehub/jobs';
import { stackInfo } from '../../../../test/support/stack-info';
import type { BackupService } from '../backups/backup.service';
import { ScheduleFiring } from './schedule-firing.service';
import { slotBackupId } from './schedule-rules';
import { SchedulerRegistry } from './scheduler-registry.service';

/**
 * What one tick does, against real PostgreSQL and Redis. The backup service stands in
 * for placement and the data plane: it inserts the row as the real one does (same
 * repository, same id), or fails as told.
 */
describe('ScheduleFiring (PostgreSQL + Redis)', () => {
  let prisma: PrismaService;
  let backups: BackupRepository;
  let schedules: BackupScheduleRepository;
  let queue: ScheduleQueue;
  let failWith: Error | null = null;
  let firing: ScheduleFiring;

  beforeAll(() => {
    const { env } = stackInfo();
    prisma = new PrismaService({ url: env.DATABASE_URL });
    backups = new BackupRepository(prisma);
    schedules = new BackupScheduleRepository(prisma);
    queue = new ScheduleQueue({ url: env.REDIS_URL, queuePrefix: `hhtest-firing-${randomUUID().slice(0, 8)}` });
    const backupService = {
      create: async (tenant: Tenant, dto: { collections: string[]; name?: string }, _by: unknown, origin: { id: string; scheduleId: string }) => {
        if (failWith) throw failWith;
        const row = { id: origin.id, name: dto.name, source: BackupSource.backup, scheduleId: origin.scheduleId, requestedCollections: dto.collections, storagePrefix: `p/${origin.id}`, nodeId: null };
        return backups.createWithinQuota(tenant.id, row, 100);
      },
    } as unknown as BackupService;
    firing = new ScheduleFiring(schedules, new TenantRepository(prisma), backups, backupService, new SchedulerRegistry(queue), queue);
  });
  afterEach(() => {
    failWith = null;
  });
  afterAll(async () => {
    await queue.onModuleDestroy();
    await prisma.$disconnect();
  });

  async function schedule() {
    const tenantId = randomUUID();
    await new TenantRepository(prisma).create({ id: tenantId, name: `fire-${tenantId}`, maxCollections: 1, maxVectors: 1n, maxBackups: 100, maxStorageBytes: 1n });
    return (await schedules.createWithinLimit(tenantId, randomUUID(), { cron: '0 * * * *', timezone: 'UTC', collections: ['*'], keepLast: 3, maxAgeDays: null, enabled: true }, 5))!;
  }
  const once = { attempt: 1, maxAttempts: 4 };
  const slot = new Date('2026-11-25T10:00:00Z');

  it('makes one backup for a slot however often and at once its tick runs', async () => {
    const s = await schedule();
    const tick = { scheduleId: s.id, revision: 1 };
    const outcomes = await Promise.all([firing.fire(tick, slot, once), firing.fire(tick, slot, once), firing.fire(tick, slot, once)]);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already_created')).toHaveLength(2);
    const made = await schedules.backupsOf(s.tenantId, s.id);
    expect(made.map((b) => [b.id, b.name])).toEqual([[slotBackupId(s.id, slot), `scheduled ${slot.toISOString()}`]]);
    expect(await schedules.find(s.tenantId, s.id)).toMatchObject({ lastSlotAt: slot, lastBackupId: made[0].id, lastErrorCode: null });
  });

  it('skips an older slot once a later one ran, a disabled or deleted schedule, and a tick of an older revision', async () => {
    const s = await schedule();
    expect(await firing.fire({ scheduleId: s.id, revision: 1 }, slot, once)).toBe('created');
    expect(await firing.fire({ scheduleId: s.id, revision: 1 }, new Date(slot.getTime() - 3600_000), once)).toBe('skipped');

    await schedules.update(s.tenantId, s.id, { cron: '30 * * * *' });
    const later = new Date(slot.getTime() + 3600_000);
    expect(await firing.fire({ scheduleId: s.id, revision: 1 }, later, once)).toBe('stale');
    // Redis lacked the new revision (a lost registration): the stale tick put it there.
    expect((await queue.get(s.id))?.revision).toBe(2);

    await schedules.update(s.tenantId, s.id, { enabled: false });
    expect(await firing.fire({ scheduleId: s.id, revision: 3 }, later, once)).toBe('skipped');
    await schedules.delete(s.tenantId, s.id);
    expect(await firing.fire({ scheduleId: s.id, revision: 3 }, later, once)).toBe('skipped');
    expect((await schedules.backupsOf(s.tenantId, s.id)).map((b) => b.id)).toEqual([slotBackupId(s.id, slot)]);
    await queue.remove(s.id);
  });

  it('records a permanent refusal on the schedule and ends the tick; retries a transient one, recording it on the last attempt', async () => {
    const s = await schedule();
    failWith = new DomainError('quota_exceeded', 'the plan keeps at most 3 backups');
    await expect(firing.fire({ scheduleId: s.id, revision: 1 }, slot, once)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await schedules.find(s.tenantId, s.id)).toMatchObject({ lastSlotAt: slot, lastErrorCode: 'quota_exceeded', lastBackupId: null });

    const next = new Date(slot.getTime() + 3600_000);
    failWith = new DomainError('unavailable', 'node n1 is not alive');
    await expect(firing.fire({ scheduleId: s.id, revision: 1 }, next, once)).rejects.toBe(failWith);
    expect((await schedules.find(s.tenantId, s.id))!.lastSlotAt).toEqual(slot);
    await expect(firing.fire({ scheduleId: s.id, revision: 1 }, next, { attempt: 4, maxAttempts: 4 })).rejects.toBe(failWith);
    expect(await schedules.find(s.tenantId, s.id)).toMatchObject({ lastSlotAt: next, lastErrorCode: 'unavailable' });

    failWith = null;
    const third = new Date(next.getTime() + 3600_000);
    expect(await firing.fire({ scheduleId: s.id, revision: 1 }, third, once)).toBe('created');
    expect(await schedules.find(s.tenantId, s.id)).toMatchObject({ lastSlotAt: third, lastErrorCode: null, lastBackupId: slotBackupId(s.id, third) });
  });

  it('records a suspended tenant’s slot as refused', async () => {
    const s = await schedule();
    await new TenantRepository(prisma).setStatus(s.tenantId, 'suspended');
    expect(await firing.fire({ scheduleId: s.id, revision: 1 }, slot, once)).toBe('refused');
    expect(await schedules.find(s.tenantId, s.id)).toMatchObject({ lastErrorCode: 'tenant_suspended' });
    expect(await schedules.backupsOf(s.tenantId, s.id)).toEqual([]);
  });
});
