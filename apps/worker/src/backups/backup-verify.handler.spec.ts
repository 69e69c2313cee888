import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Backup, BackupRepository, VerificationOutcome } from '@hivehub/db';
import type { JobContext, JobProducer } from '@hivehub/jobs';
import { FsObjectStorage, type ObjectStorage } from '@hivehub/storage';
import { NodeIdentity } from '../node/node-identity.provider';
import { BackupVerifyHandler } from './backup-verify.handler';
import { BackupVerifyQueue } from './backup-verify.queue';

const BACKUP_ID = '6f1c2a3b-0000-4000-8000-000000000001';

/** An in-memory backups table with the two calls the handler makes; the real ones are covered against PostgreSQL. */
function fakeBackups(status = 'succeeded') {
  const recorded: VerificationOutcome[] = [];
  const row = { id: BACKUP_ID, tenantId: 't1', status, storagePrefix: `tenants/t1/backups/${BACKUP_ID}`, sha256: 'ab'.repeat(32) } as Backup;
  const backups = {
    rows: { peek: async () => row },
    recordVerification: async (_tenantId: string, _id: string, outcome: VerificationOutcome) => (recorded.push(outcome), true),
  };
  return { recorded, backups: backups as unknown as BackupRepository };
}

const context = (attempt = 1): JobContext => ({
  jobId: `verify-${BACKUP_ID}`,
  attempt,
  maxAttempts: 5,
  progress: async () => undefined,
  postpone: async () => {
    throw new Error('postponed');
  },
});

describe('BackupVerifyHandler', () => {
  let dir: string;
  let identity: NodeIdentity;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hivehub-verify-handler-'));
    identity = new NodeIdentity('node-a', path.join(dir, 'node'), 'test', true);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records a backup gone from storage as failed (missing), leaving no scratch behind', async () => {
    const { backups, recorded } = fakeBackups();
    const handler = new BackupVerifyHandler(backups, identity, new FsObjectStorage(path.join(dir, 'storage')));
    await expect(handler.handle({ backupId: BACKUP_ID }, context())).resolves.toEqual({ status: 'failed' });
    expect(recorded).toEqual([{ ok: false, code: 'missing', message: expect.stringContaining('manifest.json') }]);
    expect(readdirSync(path.join(identity.dataDir, 'verify-scratch'))).toEqual([]);
  });

  it('leaves a backup that has not succeeded alone', async () => {
    const { backups, recorded } = fakeBackups('failed');
    const handler = new BackupVerifyHandler(backups, identity, new FsObjectStorage(path.join(dir, 'storage')));
    await expect(handler.handle({ backupId: BACKUP_ID }, context())).resolves.toEqual({ status: 'not verified: backup failed' });
    expect(recorded).toEqual([]);
  });

  it('rethrows storage trouble for a retry, recording nothing, and postpones a second verification meanwhile', async () => {
    const { backups, recorded } = fakeBackups();
    let fail!: (error: Error) => void;
    const stalled = new Promise<never>((_, reject) => (fail = reject));
    const storage = { get: () => stalled, list: () => (async function* () {})() } as unknown as ObjectStorage;
    const handler = new BackupVerifyHandler(backups, identity, storage);
    const first = handler.handle({ backupId: BACKUP_ID }, context());
    await new Promise((resolve) => setImmediate(resolve));
    await expect(handler.handle({ backupId: BACKUP_ID }, context())).rejects.toThrow('postponed');
    fail(new Error('ECONNRESET'));
    await expect(first).rejects.toMatchObject({ code: 'storage', permanent: false });
    expect(recorded).toEqual([]);
  });
});

describe('BackupVerifyHandler at shutdown', () => {
  it('stops a verification in flight with a retryable error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hivehub-verify-handler-'));
    try {
      const { backups, recorded } = fakeBackups();
      const stalled = new Promise<never>(() => undefined);
      const storage = { get: () => stalled, list: () => (async function* () {})() } as unknown as ObjectStorage;
      const handler = new BackupVerifyHandler(backups, new NodeIdentity('node-a', dir, 'test', true), storage);
      const running = handler.handle({ backupId: BACKUP_ID }, context());
      await new Promise((resolve) => setImmediate(resolve));
      handler.onModuleDestroy();
      await expect(running).rejects.toMatchObject({ code: 'cancelled' });
      expect(recorded).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BackupVerifyQueue', () => {
  const identity = new NodeIdentity('node-a', '/tmp/unused', 'test', true);
  const producer = () => {
    const added: unknown[][] = [];
    return { added, jobs: { enqueue: async (...args: unknown[]) => void added.push(args) } as unknown as JobProducer };
  };

  it("enqueues on the node's own queue with job id verify-<backupId>, unless BACKUP_VERIFY is false", async () => {
    const on = producer();
    await new BackupVerifyQueue(on.jobs, identity, { verifyBackups: true } as never).afterBackup(BACKUP_ID);
    expect(on.added).toEqual([['node-a', 'backup.verify', { backupId: BACKUP_ID }, { jobId: `verify-${BACKUP_ID}` }]]);
    const off = producer();
    await new BackupVerifyQueue(off.jobs, identity, { verifyBackups: false } as never).afterBackup(BACKUP_ID);
    expect(off.added).toEqual([]);
  });
});
