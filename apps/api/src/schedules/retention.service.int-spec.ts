import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AuditRepository,
  BackupRepository,
  BackupScheduleRepository,
  BackupSource,
  PrismaService,
  RestoreRepository,
  TenantRepository,
} from '@hivehub/db';
import { FsObjectStorage } from '@hivehub/storage';
import { stackInfo } from '../../../../test/support/stack-info';
import { BackupArchiveService } from '../backups/backup-archive.service';
import { BackupService } from '../backups/backup.service';
import { RetentionService } from './retention.service';

/**
 * Retention against real PostgreSQL and a storage folder: what it deletes (objects and
 * rows), what it must leave, and two api processes applying it at the same moment.
 */
describe('RetentionService (PostgreSQL + storage)', () => {
  let prisma: PrismaService;
  let backups: BackupRepository;
  let restores: RestoreRepository;
  let schedules: BackupScheduleRepository;
  let storage: FsObjectStorage;
  let retentions: RetentionService[];

  beforeAll(() => {
    prisma = new PrismaService({ url: stackInfo().env.DATABASE_URL });
    backups = new BackupRepository(prisma);
    restores = new RestoreRepository(prisma);
    schedules = new BackupScheduleRepository(prisma);
    storage = new FsObjectStorage(mkdtempSync(path.join(os.tmpdir(), 'hivehub-retention-')));
    const audit = new AuditRepository(prisma);
    // Deleting reads backups only; creating one (placement, data plane, queue) is not used here.
    const service = new BackupService(backups, audit, null as never, null as never, null as never);
    const archives = new BackupArchiveService(backups, restores, service, audit, storage);
    // Two api processes.
    retentions = [new RetentionService(schedules, archives), new RetentionService(schedules, archives)];
  });
  afterAll(() => prisma.$disconnect());

  const DAY = 24 * 3600_000;
  /** Older than the sweeper's look-back (a day) with room to spare. */
  const RECENT = 2;
  const now = new Date();

  async function tenantWithSchedule(keepLast: number | null, maxAgeDays: number | null) {
    const tenantId = randomUUID();
    await new TenantRepository(prisma).create({ id: tenantId, name: `ret-${tenantId}`, maxCollections: 1, maxVectors: 1n, maxBackups: 100, maxStorageBytes: 1n });
    const schedule = (await schedules.createWithinLimit(tenantId, randomUUID(), { cron: '0 * * * *', timezone: 'UTC', collections: ['*'], keepLast, maxAgeDays, enabled: true }, 10))!;
    return { tenantId, scheduleId: schedule.id };
  }

  /**
   * A finished backup made `daysAgo`, with two stored objects when it succeeded. Its row
   * reaches its final state in one statement with an old updated_at: the stack's running
   * api sweeps retention over schedules whose backups succeeded lately (the last day after
   * a boot), and it must not apply retention beside the test.
   */
  async function backup(tenantId: string, scheduleId: string | null, daysAgo: number, status: 'succeeded' | 'failed' = 'succeeded') {
    const id = randomUUID();
    const prefix = `tenants/${tenantId}/backups/${id}`;
    const at = new Date(now.getTime() - daysAgo * DAY);
    await backups.createWithinQuota(tenantId, { id, source: BackupSource.backup, scheduleId, requestedCollections: ['*'], storagePrefix: prefix, nodeId: null }, 100);
    if (status === 'succeeded') {
      await storage.put(`${prefix}/manifest.json`, Buffer.from('{}'));
      await storage.put(`${prefix}/docs/segment.bin`, Buffer.from('data'));
    }
    const outcome = status === 'succeeded' ? { sizeBytes: 6n, sha256: 'x'.repeat(64) } : { errorCode: 'interrupted', errorMessage: 'test' };
    await prisma.backup.update({ where: { id }, data: { status, ...outcome, createdAt: at, finishedAt: at, updatedAt: at } });
    return id;
  }

  const objectsOf = async (tenantId: string, id: string) => {
    const keys: string[] = [];
    for await (const o of storage.list(`tenants/${tenantId}/backups/${id}/`)) keys.push(o.key);
    return keys;
  };
  const exists = async (tenantId: string, id: string) => (await backups.find(tenantId, id)) !== null;

  it("deletes the schedule's backups beyond keep_last, objects and rows, and nothing else", async () => {
    const { tenantId, scheduleId } = await tenantWithSchedule(2, null);
    const other = (await schedules.createWithinLimit(tenantId, randomUUID(), { cron: '0 * * * *', timezone: 'UTC', collections: ['*'], keepLast: 1, maxAgeDays: null, enabled: true }, 10))!;
    const byHand = await backup(tenantId, null, 10);
    const otherSchedules = await backup(tenantId, other.id, 9);
    const [s1, s2, s3, s4] = [await backup(tenantId, scheduleId, 5), await backup(tenantId, scheduleId, 4), await backup(tenantId, scheduleId, 3), await backup(tenantId, scheduleId, RECENT)];
    const failed = await backup(tenantId, scheduleId, 6, 'failed');

    const results = await Promise.all(retentions.map((r) => r.apply(tenantId, scheduleId, now)));

    // Both may report a deletion the other finished first; together they chose the same ones.
    expect([...new Set(results.flatMap((r) => r.deleted))].sort()).toEqual([failed, s1, s2].sort());
    expect(results.flatMap((r) => r.kept)).toEqual([]);
    for (const id of [s1, s2, failed]) {
      expect(await exists(tenantId, id)).toBe(false);
      expect(await objectsOf(tenantId, id)).toEqual([]);
    }
    for (const id of [s3, s4, byHand, otherSchedules]) {
      expect(await exists(tenantId, id)).toBe(true);
      expect(await objectsOf(tenantId, id)).toHaveLength(2);
    }
    // Idempotent: once more changes nothing.
    expect(await retentions[0].apply(tenantId, scheduleId, now)).toEqual({ deleted: [], kept: [] });
  });

  it('keeps a backup a queued or running restore reads, and deletes it once the restore is over', async () => {
    const { tenantId, scheduleId } = await tenantWithSchedule(1, 30);
    const old = await backup(tenantId, scheduleId, 40);
    const newest = await backup(tenantId, scheduleId, RECENT);
    const restore = await restores.create(tenantId, { id: randomUUID(), backupId: old, collections: [], targetPrefix: 'r_', overwrite: false, nodeId: null });

    expect(await retentions[0].apply(tenantId, scheduleId, now)).toEqual({ deleted: [], kept: [old] });
    expect(await objectsOf(tenantId, old)).toHaveLength(2);

    await restores.rows.claim(restore.id, 'node-x');
    expect((await retentions[1].apply(tenantId, scheduleId, now)).kept).toEqual([old]);

    await restores.succeed(tenantId, restore.id, [], 0);
    expect(await retentions[0].apply(tenantId, scheduleId, now)).toEqual({ deleted: [old], kept: [] });
    expect(await exists(tenantId, old)).toBe(false);
    expect(await exists(tenantId, newest)).toBe(true);
  });

  it('never deletes the newest succeeded backup nor an unfinished one, and leaves a deleted schedule’s backups', async () => {
    const { tenantId, scheduleId } = await tenantWithSchedule(null, 1);
    const ancient = await backup(tenantId, scheduleId, 90);
    const unfinishedId = randomUUID();
    await backups.createWithinQuota(tenantId, { id: unfinishedId, source: BackupSource.backup, scheduleId, requestedCollections: ['*'], storagePrefix: `p/${unfinishedId}`, nodeId: null }, 100);
    await prisma.backup.update({ where: { id: unfinishedId }, data: { createdAt: new Date(now.getTime() - 50 * DAY) } });

    expect(await retentions[0].apply(tenantId, scheduleId, now)).toEqual({ deleted: [], kept: [] });
    expect(await exists(tenantId, ancient)).toBe(true);
    expect(await exists(tenantId, unfinishedId)).toBe(true);

    const second = await backup(tenantId, scheduleId, RECENT);
    await schedules.delete(tenantId, scheduleId);
    expect(await retentions[0].apply(tenantId, scheduleId, now)).toEqual({ deleted: [], kept: [] });
    expect(await exists(tenantId, second)).toBe(true);
  });
});
