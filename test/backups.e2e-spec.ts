import { promises as fs } from 'node:fs';
import { bearer, call, tenantWithKey } from './support/client';
import { stackInfo } from './support/stack-info';
import { backUp, restore, searches, seedCollection, snapshot, storedObjects } from './support/backups';
import { randomVectors } from './support/vectors';

const queries = randomVectors(5, 16, 99);

/** Backups and restores through the public API against the real stack. */
describe('backups and restores', () => {
  it('round trip: vectors, payloads and search results are identical after restore', async () => {
    const { tenant, key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 600, 16);
    await seedCollection(headers, 'notes', 50, 8, 2);
    const before = { docs: await snapshot(headers, 'docs'), notes: await snapshot(headers, 'notes'), search: await searches(headers, 'docs', queries) };

    const backup = await backUp(headers);
    expect(backup).toMatchObject({ status: 'succeeded', percent: 100, vectors: 650, error: null });
    expect(backup.collections.map((c: { name: string }) => c.name).sort()).toEqual(['docs', 'notes']);
    expect((await storedObjects(`tenants/${tenant.id}/backups/${backup.id}`)).length).toBeGreaterThan(2);

    // Damage the live data every way a tenant can, then restore over it.
    await call('POST', '/collections/docs/points/delete?wait=true', { headers, json: { points: [1, 2, 3] } });
    await call('PUT', '/collections/docs/points?wait=true', { headers, json: { points: [{ id: 5, vector: queries[0], payload: { changed: true } }] } });
    await call('DELETE', '/collections/notes', { headers });
    const restored = await restore(headers, { backup_id: backup.id, overwrite: true });
    expect(restored).toMatchObject({ status: 'succeeded', percent: 100, error: null, backup_id: backup.id });
    // Every stored byte but the manifest's was read back.
    expect(restored.bytes_done).toBe(restored.bytes_total);
    expect(restored.bytes_total).toBeGreaterThan(0.9 * backup.size_bytes);
    expect(restored.restored_collections.map((c: { name: string }) => c.name).sort()).toEqual(['docs', 'notes']);

    expect(await snapshot(headers, 'docs')).toEqual(before.docs);
    expect(await snapshot(headers, 'notes')).toEqual(before.notes);
    expect(await searches(headers, 'docs', queries)).toEqual(before.search);
  });

  it('restores under a prefix beside the live collections, and refuses to overwrite unless asked', async () => {
    const { key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 100, 16);
    const original = await snapshot(headers, 'docs');
    const backup = await backUp(headers);
    await call('PUT', '/collections/docs/points?wait=true', { headers, json: { points: [{ id: 1000, vector: queries[1], payload: { late: true } }] } });
    const live = await snapshot(headers, 'docs');

    const conflict = await call('POST', '/api/hub/backups/restore', { headers, json: { backup_id: backup.id, overwrite: false } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
    expect(conflict.body.error.message).toContain('docs');
    expect(await snapshot(headers, 'docs')).toEqual(live);

    const side = await restore(headers, { backup_id: backup.id, target_prefix: 'restored_', collections: ['docs'] });
    expect(side.status).toBe('succeeded');
    expect(side.restored_collections).toEqual([expect.objectContaining({ name: 'restored_docs', source: 'docs', points: 100 })]);
    expect(await snapshot(headers, 'restored_docs')).toEqual(original);
    expect(await snapshot(headers, 'docs')).toEqual(live);

    const replaced = await restore(headers, { backup_id: backup.id, overwrite: true });
    expect(replaced.status).toBe('succeeded');
    expect(await snapshot(headers, 'docs')).toEqual(original);
  });

  it('downloads a backup as backup.tar.gz and imports it as another tenant, who owns it', async () => {
    const a = await tenantWithKey();
    const b = await tenantWithKey();
    await seedCollection(bearer(a.key), 'docs', 200, 16);
    const original = await snapshot(bearer(a.key), 'docs');
    const backup = await backUp(bearer(a.key));

    const res = await fetch(`${stackInfo().apiUrl}/api/hub/backups/${backup.id}/download`, { headers: bearer(a.key) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('backup.tar.gz');
    const archive = Buffer.from(await res.arrayBuffer());
    expect(archive.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const uploaded = await fetch(`${stackInfo().apiUrl}/api/hub/backups/upload`, {
      method: 'POST',
      headers: { ...bearer(b.key), 'content-type': 'application/gzip' },
      body: archive,
    });
    const imported = (await uploaded.json()) as any;
    expect(uploaded.status).toBe(201);
    expect(imported).toMatchObject({ status: 'succeeded', source: 'upload', vectors: 200 });
    expect(imported.id).not.toBe(backup.id);
    expect((await call('GET', `/api/hub/backups/${imported.id}`, { headers: bearer(a.key) })).status).toBe(404);

    const restored = await restore(bearer(b.key), { backup_id: imported.id });
    expect(restored.status).toBe('succeeded');
    expect(await snapshot(bearer(b.key), 'docs')).toEqual(original);

    const garbage = await fetch(`${stackInfo().apiUrl}/api/hub/backups/upload`, { method: 'POST', headers: bearer(b.key), body: Buffer.from('not an archive') });
    expect(garbage.status).toBe(422);
    expect(((await garbage.json()) as any).error.message).toMatch(/archive/);
    expect((await call('GET', '/api/hub/backups', { headers: bearer(b.key) })).body.backups.map((x: { id: string }) => x.id)).toEqual([imported.id]);
  });

  it('refuses a restore with a checksum error when a stored byte flipped, leaving live data untouched', async () => {
    const { tenant, key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 100, 16);
    const backup = await backUp(headers);
    await call('PUT', '/collections/docs/points?wait=true', { headers, json: { points: [{ id: 7, vector: queries[2], payload: { after: 'backup' } }] } });
    const live = await snapshot(headers, 'docs');

    const objects = await storedObjects(`tenants/${tenant.id}/backups/${backup.id}`);
    const victim = objects.filter((f) => !f.includes('manifest.json._S3rver')).sort((x, y) => x.length - y.length)[0];
    const bytes = await fs.readFile(victim);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await fs.writeFile(victim, bytes);

    const failed = await restore(headers, { backup_id: backup.id, overwrite: true });
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('checksum_mismatch');
    expect(failed.attempts).toBe(1);
    expect(await snapshot(headers, 'docs')).toEqual(live);
  });

  it('deletes a backup: its objects and its row', async () => {
    const { tenant, key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 30, 4);
    const backup = await backUp(headers);
    const prefix = `tenants/${tenant.id}/backups/${backup.id}`;
    expect((await storedObjects(prefix)).length).toBeGreaterThan(0);
    expect((await call('DELETE', `/api/hub/backups/${backup.id}`, { headers })).status).toBe(204);
    expect(await storedObjects(prefix)).toEqual([]);
    expect((await call('GET', `/api/hub/backups/${backup.id}`, { headers })).status).toBe(404);
    expect((await call('DELETE', `/api/hub/backups/${backup.id}`, { headers })).status).toBe(404);
    expect((await call('GET', '/api/hub/usage', { headers })).body.usage).toMatchObject({ backups: 0, backup_bytes: 0 });
  });
});
