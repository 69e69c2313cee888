import { Client } from 'pg';
import { bearer, call, tenantWithKey } from './support/client';
import { stackInfo } from './support/stack-info';
import { backUp, restore, seedCollection, snapshot, waitForJob } from './support/backups';

/**
 * PostgreSQL is the record, Redis only carries work: a row left unfinished whose job
 * ended (a worker that died between swapping collections in and writing the row) is
 * enqueued again by the api's reconciler, and the retried restore recognises its
 * own completed swap instead of colliding with it.
 */
describe('backup reconciler', () => {
  it('re-runs a restore whose worker died after the swap, and records it without installing twice', async () => {
    const { key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 50, 8);
    const original = await snapshot(headers, 'docs');
    const backup = await backUp(headers);
    const done = await restore(headers, { backup_id: backup.id, target_prefix: 'r_' });
    expect(done.status).toBe('succeeded');

    // What a kill -9 right after the swap leaves: the row in its commit phase, the job gone from the active set.
    const db = new Client({ connectionString: stackInfo().env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(
        `UPDATE restores SET status = 'running', phase = 'committing', percent = 99, finished_at = NULL, updated_at = now() - interval '1 minute' WHERE id = $1`,
        [done.id],
      );
    } finally {
      await db.end();
    }

    const again = await waitForJob(headers, 'restores', done.id, 60_000);
    expect(again).toMatchObject({ status: 'succeeded', error: null, attempts: 2 });
    expect(again.restored_collections).toEqual([expect.objectContaining({ name: 'r_docs', source: 'docs', points: 50 })]);
    expect(await snapshot(headers, 'r_docs')).toEqual(original);
    const names = (await call('GET', '/collections', { headers })).body.result.collections.map((c: { name: string }) => c.name).sort();
    expect(names).toEqual(['docs', 'r_docs']);
  }, 90_000);
});
