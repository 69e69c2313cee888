import { admin, bearer, call, createKey, createTenant, service, tenantWithKey } from './support/client';
import { backUp, seedCollection } from './support/backups';
import { createSchedule, EVERY_SECOND, patchSchedule, scheduledBackups, waitForSchedule } from './support/schedules';

/** Schedules as a tenant and an operator manage them: routes, validation, access. Firing is in backup-schedules-firing. */
describe('backup schedules: routes, validation and access', () => {
  it('creates, lists, reads, changes and deletes a schedule, answering next_run_at', async () => {
    const { key } = await tenantWithKey();
    const headers = bearer(key);
    const created = await call('POST', '/api/hub/backup-schedules', {
      headers,
      json: { cron: '0 */6 * * *', collections: ['*'], retention: { keep_last: 3 } },
    });
    expect(created.status).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({
      cron: '0 */6 * * *',
      timezone: 'UTC',
      collections: ['*'],
      retention: { keep_last: 3, max_age_days: null },
      enabled: true,
      last_run_at: null,
      last_backup_id: null,
      last_error: null,
    });
    const next = new Date(s.next_run_at);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(6 * 3600_000);
    expect(next.getUTCHours() % 6).toBe(0);
    expect([next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([0, 0]);

    expect((await call('GET', '/api/hub/backup-schedules', { headers })).body).toEqual({ backup_schedules: [s] });
    expect((await call('GET', `/api/hub/backup-schedules/${s.id}`, { headers })).body).toEqual(s);

    const changed = await patchSchedule(headers, s.id, { cron: '30 2 * * *', timezone: 'Europe/Paris', retention: { max_age_days: 30 }, collections: ['docs'] });
    expect(changed).toMatchObject({ cron: '30 2 * * *', timezone: 'Europe/Paris', collections: ['docs'], retention: { keep_last: null, max_age_days: 30 }, enabled: true });
    // 02:30 in Paris is 00:30 or 01:30 UTC (summer or winter time).
    expect(changed.next_run_at).toMatch(/T0[01]:30:00.000Z$/);

    const disabled = await patchSchedule(headers, s.id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, next_run_at: null, cron: '30 2 * * *' });

    expect((await call('DELETE', `/api/hub/backup-schedules/${s.id}`, { headers })).status).toBe(204);
    expect((await call('GET', `/api/hub/backup-schedules/${s.id}`, { headers })).status).toBe(404);
    expect((await call('DELETE', `/api/hub/backup-schedules/${s.id}`, { headers })).status).toBe(404);
  });

  it('refuses bad input with 422 naming the field, and stores nothing', async () => {
    const { key } = await tenantWithKey();
    const headers = bearer(key);
    const good = { cron: '0 3 * * *', collections: ['*'], retention: { keep_last: 3 } };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...good, cron: '0 3 * *' }, /^cron: .*4 field\(s\)/],
      [{ ...good, cron: '0 0 3 * * * *' }, /^cron: .*7 field\(s\)/],
      [{ ...good, cron: '61 3 * * *' }, /^cron: .*not a valid cron expression/],
      [{ ...good, cron: 'every day' }, /^cron: /],
      [{ ...good, timezone: 'Mars/Olympus_Mons' }, /^timezone: unknown time zone/],
      [{ ...good, retention: {} }, /^retention: set keep_last, max_age_days or both/],
      [{ cron: good.cron, collections: ['*'] }, /retention/],
      [{ ...good, retention: { keep_last: 0 } }, /retention\.keep_last/],
      [{ ...good, retention: { max_age_days: 'soon' } }, /retention\.max_age_days/],
      [{ ...good, retention: { keep_last: 3, forever: true } }, /forever/],
      [{ ...good, collections: [] }, /collections/],
      [{ ...good, collections: ['*', 'docs'] }, /collections: "\*" means every collection and stands alone/],
      [{ ...good, collections: ['../etc'] }, /collection name/],
      [{ ...good, enabled: 'yes' }, /enabled/],
      [{ ...good, extra: 1 }, /extra/],
    ];
    for (const [json, message] of bad) {
      const res = await call('POST', '/api/hub/backup-schedules', { headers, json });
      expect({ json, status: res.status, code: res.body?.error?.code }).toEqual({ json, status: 422, code: 'validation_failed' });
      expect(res.body.error.message).toMatch(message);
    }
    expect((await call('POST', '/api/hub/backup-schedules', { headers, raw: '{"cron": ' })).status).toBe(400);
    expect((await call('GET', '/api/hub/backup-schedules', { headers })).body).toEqual({ backup_schedules: [] });

    // A refused change leaves the schedule as it was.
    const s = await createSchedule(headers, good);
    for (const json of [{ cron: '* * *' }, { timezone: 'Nowhere/Land' }, { retention: {} }]) {
      expect((await call('PATCH', `/api/hub/backup-schedules/${s.id}`, { headers, json })).status).toBe(422);
    }
    expect((await call('GET', `/api/hub/backup-schedules/${s.id}`, { headers })).body).toEqual(s);
  });

  it("refuses a keep_last that leaves no room for a new run under the plan's max_backups", async () => {
    const tenant = await createTenant({ plan: { max_backups: 3 } });
    const headers = bearer((await createKey(tenant.id)).key);
    const body = { cron: '0 3 * * *', collections: ['*'], retention: { keep_last: 3 } };
    const refused = await call('POST', '/api/hub/backup-schedules', { headers, json: body });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/^retention\.keep_last: 3 leaves no room under the plan's max_backups \(3\)/);
    const s = await createSchedule(headers, { ...body, retention: { keep_last: 2 } });
    expect((await call('PATCH', `/api/hub/backup-schedules/${s.id}`, { headers, json: { retention: { keep_last: 5 } } })).status).toBe(422);
    expect((await call('PATCH', `/api/hub/backup-schedules/${s.id}`, { headers, json: { retention: { max_age_days: 5 } } })).status).toBe(200);
  });

  it("answers 404 for another tenant's schedule, with a key, the service headers or the admin route of another tenant", async () => {
    const owner = await tenantWithKey();
    const other = await tenantWithKey();
    const s = await createSchedule(bearer(owner.key), { cron: '0 3 * * *' });
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/hub/backup-schedules/${s.id}`],
      ['PATCH', `/api/hub/backup-schedules/${s.id}`, { enabled: false }],
      ['DELETE', `/api/hub/backup-schedules/${s.id}`],
    ];
    for (const [method, path, json] of attempts) {
      for (const headers of [bearer(other.key), service(other.tenant.id)]) {
        const res = await call(method, path, { headers, json });
        expect({ method, status: res.status, code: res.body?.error?.code }).toEqual({ method, status: 404, code: 'not_found' });
      }
      const viaAdmin = await call(method, path.replace('/api/hub/', `/admin/tenants/${other.tenant.id}/`), { headers: admin(), json });
      expect({ method, status: viaAdmin.status }).toEqual({ method, status: 404 });
    }
    expect((await call('GET', '/api/hub/backup-schedules', { headers: bearer(other.key) })).body).toEqual({ backup_schedules: [] });
    expect((await call('GET', `/api/hub/backup-schedules/${s.id}`, { headers: bearer(owner.key) })).body).toEqual(s);
  });

  it('lets the operator manage a tenant’s schedules under /admin/tenants/{id}/backup-schedules', async () => {
    const { tenant, key } = await tenantWithKey();
    const base = `/admin/tenants/${tenant.id}/backup-schedules`;
    const created = await call('POST', base, { headers: admin(), json: { cron: '0 4 * * *', collections: ['*'], retention: { max_age_days: 7 } } });
    expect(created.status).toBe(201);
    const s = created.body;
    // The tenant sees what the operator made, and the other way round.
    expect((await call('GET', '/api/hub/backup-schedules', { headers: bearer(key) })).body.backup_schedules).toEqual([s]);
    const own = await createSchedule(bearer(key), { cron: '0 5 * * *' });
    expect((await call('GET', base, { headers: admin() })).body.backup_schedules.map((x: { id: string }) => x.id)).toEqual([s.id, own.id]);
    expect((await call('GET', `${base}/${s.id}`, { headers: admin() })).body).toEqual(s);
    const patched = await call('PATCH', `${base}/${s.id}`, { headers: admin(), json: { enabled: false } });
    expect(patched.body).toMatchObject({ id: s.id, enabled: false, next_run_at: null });
    expect((await call('PATCH', `${base}/${s.id}`, { headers: admin(), json: { cron: 'nope' } })).status).toBe(422);
    expect((await call('DELETE', `${base}/${s.id}`, { headers: admin() })).status).toBe(204);
    expect((await call('GET', `${base}/${s.id}`, { headers: admin() })).status).toBe(404);

    const events = (await call('GET', `/admin/tenants/${tenant.id}/audit-events`, { headers: admin() })).body.events;
    expect(events.filter((e: { action: string }) => e.action.startsWith('backup_schedule.')).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['backup_schedule.deleted', 'admin'],
      ['backup_schedule.updated', 'admin'],
      ['backup_schedule.created', expect.stringMatching(/^api_key:/)],
      ['backup_schedule.created', 'admin'],
    ]);

    expect((await call('GET', base, { headers: bearer(key) })).status).toBe(401);
    expect((await call('GET', base)).status).toBe(401);
    expect((await call('GET', '/admin/tenants/no-such-tenant/backup-schedules', { headers: admin() })).status).toBe(404);
    expect((await call('POST', '/admin/tenants/no-such-tenant/backup-schedules', { headers: admin(), json: { cron: '0 4 * * *', collections: ['*'], retention: { keep_last: 1 } } })).status).toBe(404);
  });

  it('works with the service headers, needs the backup scope, and limits schedules per tenant', async () => {
    const tenant = await createTenant();
    const hub = service(tenant.id);
    const first = await createSchedule(hub, { cron: '0 1 * * *' });
    expect((await call('GET', `/api/hub/backup-schedules/${first.id}`, { headers: hub })).status).toBe(200);
    const readOnly = await createKey(tenant.id, { scopes: ['read'] });
    const refused = await call('GET', '/api/hub/backup-schedules', { headers: bearer(readOnly.key) });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'insufficient_scope']);

    // The test stack keeps the default of 20 schedules a tenant.
    for (let i = 1; i < 20; i++) await createSchedule(hub, { cron: `0 ${i} * * *` });
    const over = await call('POST', '/api/hub/backup-schedules', { headers: hub, json: { cron: '0 0 * * *', collections: ['*'], retention: { keep_last: 1 } } });
    expect(over.status).toBe(429);
    expect(over.body.error.message).toMatch(/at most 20 backup schedules/);
    expect((await call('GET', '/api/hub/backup-schedules', { headers: hub })).body.backup_schedules).toHaveLength(20);
  });

  it('records why a tick made no backup on the schedule', async () => {
    const { key } = await tenantWithKey();
    const headers = bearer(key);
    await seedCollection(headers, 'docs', 5, 4);
    const byHand = await backUp(headers);
    const s = await createSchedule(headers, { cron: EVERY_SECOND, collections: ['missing'] });
    const failed = await waitForSchedule(headers, s.id, (x) => x.last_error !== null);
    expect(failed.last_error.code).toBe('validation_failed');
    expect(failed.last_error.message).toMatch(/no such collection: missing/);
    expect(failed.last_backup_id).toBeNull();
    await patchSchedule(headers, s.id, { enabled: false });
    expect(await scheduledBackups(headers, s.id)).toEqual([]);
    expect((await call('GET', `/api/hub/backups/${byHand.id}`, { headers })).body.schedule_id).toBeNull();
  });
});
