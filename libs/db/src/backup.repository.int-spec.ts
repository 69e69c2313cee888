import { randomUUID } from 'node:crypto';
import { stackInfo } from '../../../test/support/stack-info';
import { BackupRepository, BackupSource, type NewBackup } from './backup.repository';
import { PrismaService } from './prisma.service';
import { RESTORE_COMMIT_PHASE, RestoreRepository } from './restore.repository';
import { TenantRepository } from './tenant.repository';

describe('backup and restore rows (PostgreSQL)', () => {
  let prisma: PrismaService;
  let backups: BackupRepository;
  let restores: RestoreRepository;
  let tenants: TenantRepository;

  beforeAll(() => {
    prisma = new PrismaService({ url: stackInfo().env.DATABASE_URL });
    backups = new BackupRepository(prisma);
    restores = new RestoreRepository(prisma);
    tenants = new TenantRepository(prisma);
  });
  afterAll(() => prisma.$disconnect());

  const newTenant = async () => {
    const id = randomUUID();
    await tenants.create({ id, name: `repo-${id}`, maxCollections: 10, maxVectors: 1000n, maxBackups: 10, maxStorageBytes: 1n << 30n });
    return id;
  };
  const newBackup = (): NewBackup => {
    const id = randomUUID();
    return { id, source: BackupSource.backup, requestedCollections: ['*'], storagePrefix: `tenants/x/backups/${id}`, nodeId: 'node-a' };
  };

  it('never lets concurrent creates pass max_backups', async () => {
    const tenantId = await newTenant();
    const made = await Promise.all(Array.from({ length: 6 }, () => backups.createWithinQuota(tenantId, newBackup(), 2)));
    expect(made.filter(Boolean)).toHaveLength(2);
    // A failed backup no longer counts.
    const first = made.find(Boolean)!;
    await backups.rows.claim(first.id, 'node-a');
    await backups.rows.fail(tenantId, first.id, { code: 'storage', message: 'down' });
    expect(await backups.createWithinQuota(tenantId, newBackup(), 2)).not.toBeNull();
  });

  it('scopes every read by tenant and lists newest first, page by page', async () => {
    const [a, b] = [await newTenant(), await newTenant()];
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await backups.createWithinQuota(a, newBackup(), 10))!.id);
    expect(await backups.find(b, ids[0])).toBeNull();
    expect(await backups.list(b, 10)).toEqual([]);
    const page1 = await backups.list(a, 3);
    const last = page1[page1.length - 1];
    const page2 = await backups.list(a, 3, { createdAt: last.createdAt, id: last.id });
    const listed = [...page1, ...page2].map((r) => r.id);
    expect(listed).toHaveLength(5);
    expect(new Set(listed)).toEqual(new Set(ids));
    const times = [...page1, ...page2].map((r) => r.createdAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(await backups.rows.requestCancel(b, ids[0])).toBeNull();
    expect(await backups.deleteFinished(b, ids[0])).toBe(false);
  });

  it('cancels a queued row at once and flags a running one', async () => {
    const tenantId = await newTenant();
    const queued = (await backups.createWithinQuota(tenantId, newBackup(), 10))!;
    expect((await backups.rows.requestCancel(tenantId, queued.id))!.status).toBe('cancelled');
    expect(await backups.rows.claim(queued.id, 'node-a')).toBeNull();

    const running = (await backups.createWithinQuota(tenantId, newBackup(), 10))!;
    const claimed = (await backups.rows.claim(running.id, 'node-a'))!;
    expect(claimed).toMatchObject({ status: 'running', attempts: 1, nodeId: 'node-a' });
    expect(await backups.rows.progress(tenantId, running.id, { phase: 'uploading', percent: 40.7, bytesDone: 10, bytesTotal: 25 })).toEqual({
      running: true,
      cancelRequested: false,
    });
    const afterCancel = (await backups.rows.requestCancel(tenantId, running.id))!;
    expect(afterCancel).toMatchObject({ status: 'running', cancelRequested: true, phase: 'uploading', percent: 40 });
    expect(await backups.rows.progress(tenantId, running.id, { percent: 50 })).toEqual({ running: true, cancelRequested: true });
    expect(await backups.rows.cancelled(tenantId, running.id)).toBe(true);
    // Terminal rows never move again.
    expect(await backups.rows.fail(tenantId, running.id, { code: 'x', message: 'y' })).toBe(false);
    expect(await backups.rows.progress(tenantId, running.id, { percent: 60 })).toEqual({ running: false, cancelRequested: true });
  });

  it('records a success and counts its bytes', async () => {
    const tenantId = await newTenant();
    const row = (await backups.createWithinQuota(tenantId, newBackup(), 10))!;
    await backups.rows.claim(row.id, 'node-a');
    const summary = [{ name: 'docs', dimension: 4, distance: 'Cosine', points: 3, lsn: 7 }];
    expect(await backups.succeed(tenantId, row.id, { collections: summary, vectors: 3, sizeBytes: 1234, sha256: 'ab' })).toBe(true);
    expect(await backups.find(tenantId, row.id)).toMatchObject({ status: 'succeeded', percent: 100, collections: summary, sizeBytes: 1234n });
    expect(await backups.usage(tenantId)).toEqual({ count: 1, bytes: 1234 });
    expect(await backups.deleteFinished(tenantId, row.id)).toBe(true);
    expect(await backups.usage(tenantId)).toEqual({ count: 0, bytes: 0 });
  });

  it('records verifications of succeeded backups only, tenant-scoped, the backup staying succeeded; counts the failed ones', async () => {
    const [tenantId, other] = [await newTenant(), await newTenant()];
    const row = (await backups.createWithinQuota(tenantId, newBackup(), 10))!;
    const failure = { ok: false as const, code: 'checksum_mismatch', message: 'docs/graph.hnsw differs' };
    expect(await backups.recordVerification(tenantId, row.id, failure)).toBe(false); // still queued
    await backups.rows.claim(row.id, 'node-a');
    await backups.succeed(tenantId, row.id, { collections: [], vectors: 0, sizeBytes: 10, sha256: 'ab' });
    expect(await backups.find(tenantId, row.id)).toMatchObject({ verification: null, verifiedAt: null });

    const before = await backups.countFailedVerifications();
    expect(await backups.recordVerification(other, row.id, failure)).toBe(false);
    expect(await backups.recordVerification(tenantId, row.id, failure)).toBe(true);
    expect(await backups.find(tenantId, row.id)).toMatchObject({
      status: 'succeeded',
      verification: 'failed',
      verificationCode: 'checksum_mismatch',
      verificationMessage: 'docs/graph.hnsw differs',
      verifiedAt: expect.any(Date),
    });
    // Other tests run beside this one, so only the increase it causes is certain.
    expect((await backups.countFailedVerifications()) - before).toBeGreaterThanOrEqual(1);

    expect(await backups.recordVerification(tenantId, row.id, { ok: true })).toBe(true);
    expect(await backups.find(tenantId, row.id)).toMatchObject({ status: 'succeeded', verification: 'ok', verificationCode: null, verificationMessage: null });
  });

  it('refuses to cancel a restore once it commits, and commits only when not cancelled', async () => {
    const tenantId = await newTenant();
    const make = () => restores.create(tenantId, { id: randomUUID(), backupId: randomUUID(), collections: [], targetPrefix: '', overwrite: false, nodeId: 'node-a' });
    const committing = await make();
    await restores.rows.claim(committing.id, 'node-a');
    expect(await restores.rows.enterPhaseUnlessCancelled(tenantId, committing.id, RESTORE_COMMIT_PHASE)).toBe(true);
    expect((await restores.requestCancel(tenantId, committing.id))!.cancelRequested).toBe(false);

    const cancelledFirst = await make();
    await restores.rows.claim(cancelledFirst.id, 'node-a');
    await restores.requestCancel(tenantId, cancelledFirst.id);
    expect(await restores.rows.enterPhaseUnlessCancelled(tenantId, cancelledFirst.id, RESTORE_COMMIT_PHASE)).toBe(false);
  });

  it('finds quiet unfinished rows for the reconciler, each taken by one sweeper only', async () => {
    const tenantId = await newTenant();
    const row = (await backups.createWithinQuota(tenantId, newBackup(), 10))!;
    const stale = await backups.rows.staleUnfinished(new Date(Date.now() + 1000), 10_000);
    expect(stale.map((r) => r.id)).toContain(row.id);
    const seen = stale.find((r) => r.id === row.id)!.updatedAt;
    const takes = await Promise.all([1, 2, 3].map(() => backups.rows.takeForSweep(tenantId, row.id, seen)));
    expect(takes.filter(Boolean)).toHaveLength(1);
    const fresh = await backups.rows.staleUnfinished(new Date(Date.now() - 60_000), 10_000);
    expect(fresh.map((r) => r.id)).not.toContain(row.id);
  });
});
