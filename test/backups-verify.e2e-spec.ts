import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { BackupRepository, BackupSource, PrismaService } from '@hivehub/db';
import { bearer, call, service, tenantWithKey } from './support/client';
import { stackInfo } from './support/stack-info';
import { backUp, seedCollection, storedObjects, waitForJob } from './support/backups';

/** Backups are verified after they succeed, and on demand; a failed verification is recorded, never hidden. */
describe('backup verification', () => {
  it('verifies a backup once it succeeds, and records checksum_mismatch after a stored byte flips, the backup still succeeded', async () => {
    const { tenant, key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 300, 16);
    const backup = await backUp(headers);
    expect(backup.status).toBe('succeeded');

    const verified = await waitForJob(headers, 'backups', backup.id, 60_000, (b) => b.verification !== null);
    expect(verified).toMatchObject({ status: 'succeeded', verification: 'ok', verification_error: null });
    expect(Date.parse(verified.verified_at)).toBeGreaterThanOrEqual(Date.parse(verified.finished_at));
    const listed = (await call('GET', '/api/hub/backups', { headers })).body.backups;
    expect(listed).toEqual([expect.objectContaining({ id: backup.id, verification: 'ok', verified_at: verified.verified_at })]);

    // The smallest data object (not the manifest) gets one byte flipped behind the service's back.
    const objects = await storedObjects(`tenants/${tenant.id}/backups/${backup.id}`);
    const victim = objects.filter((f) => !f.includes('manifest.json._S3rver')).sort((x, y) => x.length - y.length)[0];
    const bytes = await fs.readFile(victim);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await fs.writeFile(victim, bytes);

    const asked = await call('POST', `/api/hub/backups/${backup.id}/verify`, { headers });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ id: backup.id, status: 'succeeded' });
    const failed = await waitForJob(headers, 'backups', backup.id, 60_000, (b) => b.verification === 'failed');
    expect(failed).toMatchObject({
      status: 'succeeded',
      error: null,
      verification: 'failed',
      verification_error: { code: 'checksum_mismatch', message: expect.stringContaining('docs/') },
    });
    expect(Date.parse(failed.verified_at)).toBeGreaterThan(Date.parse(verified.verified_at));
  });

  it('verifies on demand through the service headers; 404 for another tenant, 409 unless the backup succeeded', async () => {
    const owner = await tenantWithKey();
    const other = await tenantWithKey();
    await seedCollection(bearer(owner.key), 'docs', 20, 4);
    const backup = await backUp(bearer(owner.key));
    const first = await waitForJob(bearer(owner.key), 'backups', backup.id, 60_000, (b) => b.verification !== null);

    for (const headers of [bearer(other.key), service(other.tenant.id)]) {
      const res = await call('POST', `/api/hub/backups/${backup.id}/verify`, { headers });
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 404, code: 'not_found' });
    }

    const hub = service(owner.tenant.id);
    expect((await call('POST', `/api/hub/backups/${backup.id}/verify`, { headers: hub })).status).toBe(202);
    const again = await waitForJob(hub, 'backups', backup.id, 60_000, (b) => Date.parse(b.verified_at) > Date.parse(first.verified_at));
    expect(again).toMatchObject({ verification: 'ok', verification_error: null });

    // A backup that failed: written straight into PostgreSQL, so no race decides its status.
    const prisma = new PrismaService({ url: stackInfo().env.DATABASE_URL });
    try {
      const rows = new BackupRepository(prisma);
      const id = randomUUID();
      await rows.createWithinQuota(owner.tenant.id, { id, source: BackupSource.backup, requestedCollections: ['*'], storagePrefix: `tenants/${owner.tenant.id}/backups/${id}`, nodeId: null }, 100);
      await rows.rows.fail(owner.tenant.id, id, { code: 'storage', message: 'down' });
      const res = await call('POST', `/api/hub/backups/${id}/verify`, { headers: bearer(owner.key) });
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 409, code: 'conflict' });
    } finally {
      await prisma.$disconnect();
    }
  });
});
