import { randomUUID } from 'node:crypto';
import { BackupRepository, BackupSource, PrismaService, RestoreRepository, TenantRepository } from '@hivehub/db';
import { JobProducer } from '@hivehub/jobs';
import { stackInfo } from '../../../../test/support/stack-info';
import { BackupReconciler } from './backup-reconciler.service';
import { MAX_RUNS } from './reconcile-decision';

/**
 * The reconciler against real PostgreSQL and Redis, acting as one more api process of
 * the test stack; its rows are placed on nodes that do not run, so nothing consumes
 * the jobs it enqueues.
 */
describe('BackupReconciler (PostgreSQL + Redis)', () => {
  let prisma: PrismaService;
  let backups: BackupRepository;
  let jobs: JobProducer;
  let reconcilers: BackupReconciler[];

  beforeAll(() => {
    const { env } = stackInfo();
    prisma = new PrismaService({ url: env.DATABASE_URL });
    backups = new BackupRepository(prisma);
    jobs = new JobProducer({ url: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX });
    const restores = new RestoreRepository(prisma);
    // Two api processes sweeping at once.
    reconcilers = [new BackupReconciler(backups, restores, jobs), new BackupReconciler(backups, restores, jobs)];
  });
  afterAll(async () => {
    await jobs.onModuleDestroy();
    await prisma.$disconnect();
  });

  const queuedBackup = async () => {
    const tenantId = randomUUID();
    await new TenantRepository(prisma).create({ id: tenantId, name: `rec-${tenantId}`, maxCollections: 1, maxVectors: 1n, maxBackups: 5, maxStorageBytes: 1n });
    const nodeId = `ghost-${randomUUID().slice(0, 8)}`;
    const id = randomUUID();
    await backups.createWithinQuota(tenantId, { id, source: BackupSource.backup, requestedCollections: ['*'], storagePrefix: `p/${id}`, nodeId }, 5);
    // Fresh, so the test stack's own api process (it sweeps every 5 s) leaves it alone
    // until a test makes it quiet.
    return (await backups.find(tenantId, id))!;
  };
  /** As if nothing had written the row for a minute. */
  const quiet = async (tenantId: string, id: string) => {
    await prisma.backup.update({ where: { id }, data: { updatedAt: new Date(Date.now() - 60_000) } });
    return backups.find(tenantId, id);
  };

  it('enqueues a row whose job Redis lost, once, whichever api process sweeps', async () => {
    const row = await queuedBackup();
    expect(await jobs.state(row.nodeId!, row.id)).toBe('missing');
    await quiet(row.tenantId, row.id);
    await Promise.all(reconcilers.map((r) => r.sweep()));
    expect(await jobs.state(row.nodeId!, row.id)).toBe('waiting');
    expect(await jobs.depth(row.nodeId!)).toBe(1);
    // Still waiting in Redis: the next sweep leaves it alone.
    await quiet(row.tenantId, row.id);
    await reconcilers[0].sweep();
    expect(await jobs.depth(row.nodeId!)).toBe(1);
    expect((await backups.find(row.tenantId, row.id))!.status).toBe('queued');
  });

  it('fails a row whose job keeps getting lost with a clear code', async () => {
    const row = await queuedBackup();
    for (let i = 0; i < MAX_RUNS; i++) await backups.rows.claim(row.id, row.nodeId!);
    await quiet(row.tenantId, row.id);
    await reconcilers[0].sweep();
    expect(await backups.find(row.tenantId, row.id)).toMatchObject({ status: 'failed', errorCode: 'interrupted' });
    expect(await jobs.state(row.nodeId!, row.id)).toBe('missing');
  });

  it('leaves rows that are not quiet yet', async () => {
    const row = await queuedBackup();
    await backups.rows.claim(row.id, row.nodeId!);
    await reconcilers[0].sweep();
    expect(await jobs.state(row.nodeId!, row.id)).toBe('missing');
  });
});
