import { bearer, call, tenantWithKey } from './support/client';
import { backUp, seedCollection, storedObjects } from './support/backups';
import { waitFor } from './support/processes';
import {
  createSchedule,
  EVERY_SECOND,
  patchSchedule,
  scheduledBackups,
  slotOf,
  startApi,
  waitForScheduledBackups,
  waitForSchedule,
} from './support/schedules';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** A tenant with a small collection, ready to be backed up every second. */
async function tenantWithData() {
  const { tenant, key } = await tenantWithKey();
  const headers = bearer(key);
  await seedCollection(headers, 'docs', 20, 4);
  return { tenant, headers };
}

/** No slot after `t`: what a schedule stopped at `t` may have made (a tick of an earlier slot may finish later). */
function expectNoSlotAfter(backups: { name: string }[], t: number) {
  const late = backups.map(slotOf).filter((slot) => slot > t);
  expect(late.map((slot) => new Date(slot).toISOString())).toEqual([]);
}

describe('backup schedules: firing and retention', () => {
  it('makes normal backups with schedule_id once per slot, and stops at once when disabled', async () => {
    const { headers } = await tenantWithData();
    const byHand = await backUp(headers);
    const s = await createSchedule(headers, { cron: EVERY_SECOND });
    const made = await waitForScheduledBackups(headers, s.id, 3);
    const disabled = await patchSchedule(headers, s.id, { enabled: false });
    const stoppedAt = Date.now();

    await sleep(2500);
    const all = await scheduledBackups(headers, s.id);
    expect(all.length).toBeGreaterThanOrEqual(made.length);
    expectNoSlotAfter(all, stoppedAt);
    const slots = all.map(slotOf);
    expect(new Set(slots).size).toBe(slots.length);
    for (const slot of slots) expect(slot % 1000).toBe(0);
    for (const b of all) expect(b).toMatchObject({ schedule_id: s.id, source: 'backup', requested_collections: ['*'] });

    const done = await waitFor('the scheduled backups to finish', async () => {
      const now = await scheduledBackups(headers, s.id);
      return now.every((b) => TERMINAL.includes(b.status)) ? now : undefined;
    });
    expect(done.every((b) => b.status === 'succeeded' && b.vectors === 20)).toBe(true);
    const latest = done.reduce((a, b) => (slotOf(a) > slotOf(b) ? a : b));
    const after = (await call('GET', `/api/hub/backup-schedules/${s.id}`, { headers })).body;
    expect(after).toMatchObject({ enabled: false, next_run_at: null, last_backup_id: latest.id, last_error: null });
    expect(Date.parse(after.last_run_at)).toBe(slotOf(latest));
    expect(disabled.enabled).toBe(false);
    // The backup made by hand is untouched and still has no schedule.
    expect((await call('GET', `/api/hub/backups/${byHand.id}`, { headers })).body).toMatchObject({ status: 'succeeded', schedule_id: null });
  });

  it('stops firing at once when deleted, and keeps the backups it made', async () => {
    const { headers } = await tenantWithData();
    const s = await createSchedule(headers, { cron: EVERY_SECOND });
    await waitForScheduledBackups(headers, s.id, 1);
    expect((await call('DELETE', `/api/hub/backup-schedules/${s.id}`, { headers })).status).toBe(204);
    const deletedAt = Date.now();
    await sleep(2500);
    const kept = await scheduledBackups(headers, s.id);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expectNoSlotAfter(kept, deletedAt);
  });

  it('fires again from the next slot when re-enabled or given a new cron', async () => {
    const { headers } = await tenantWithData();
    const s = await createSchedule(headers, { cron: '0 0 1 1 *' });
    await sleep(1500);
    expect(await scheduledBackups(headers, s.id)).toEqual([]);
    const changedAt = Date.now();
    await patchSchedule(headers, s.id, { cron: EVERY_SECOND });
    const made = await waitForScheduledBackups(headers, s.id, 1);
    expect(Math.min(...made.map(slotOf))).toBeGreaterThanOrEqual(changedAt - 1000);
    await patchSchedule(headers, s.id, { enabled: false });
    await sleep(1500);
    const before = (await scheduledBackups(headers, s.id)).length;
    const enabledAt = Date.now();
    await patchSchedule(headers, s.id, { enabled: true });
    const resumed = await waitForScheduledBackups(headers, s.id, before + 1);
    expect(resumed.filter((b) => slotOf(b) >= enabledAt - 1000).length).toBeGreaterThanOrEqual(1);
    await patchSchedule(headers, s.id, { enabled: false });
  });

  it('keeps exactly keep_last of its own backups, deleting objects and rows of the older ones', async () => {
    const { tenant, headers } = await tenantWithData();
    const byHand = await backUp(headers);
    // Another schedule of the tenant with backups of its own, and a looser policy.
    const other = await createSchedule(headers, { cron: EVERY_SECOND, retention: { keep_last: 10 } });
    await waitForScheduledBackups(headers, other.id, 2);
    await patchSchedule(headers, other.id, { enabled: false });
    const othersBackups = await waitFor('the other schedule to finish', async () => {
      const now = await scheduledBackups(headers, other.id);
      return now.every((b) => TERMINAL.includes(b.status)) ? now.map((b) => b.id).sort() : undefined;
    });
    const s = await createSchedule(headers, { cron: EVERY_SECOND, retention: { keep_last: 2 } });
    // Every backup the schedule made at some point, though retention deletes most of them.
    const seen = new Map<string, any>();
    await waitFor('the schedule to make 5 backups', async () => {
      for (const b of await scheduledBackups(headers, s.id)) seen.set(b.id, b);
      return seen.size >= 5 ? true : undefined;
    }, 40_000, 200);
    await patchSchedule(headers, s.id, { enabled: false });

    const kept = await waitFor('retention to leave exactly 2 finished backups', async () => {
      const now = await scheduledBackups(headers, s.id);
      for (const b of now) seen.set(b.id, b);
      return now.length === 2 && now.every((b) => b.status === 'succeeded') ? now : undefined;
    }, 20_000, 250);
    // The two newest slots are kept; every older backup of the schedule is gone, objects included.
    const newestFirst = [...seen.values()].sort((a, b) => slotOf(b) - slotOf(a));
    expect(kept.map((b) => b.id).sort()).toEqual(newestFirst.slice(0, 2).map((b) => b.id).sort());
    for (const gone of newestFirst.slice(2)) {
      expect((await call('GET', `/api/hub/backups/${gone.id}`, { headers })).status).toBe(404);
      expect(await storedObjects(`tenants/${tenant.id}/backups/${gone.id}`)).toEqual([]);
    }
    for (const b of kept) expect((await storedObjects(`tenants/${tenant.id}/backups/${b.id}`)).length).toBeGreaterThan(0);
    // Nothing else is touched: the backup made by hand, and the other schedule's backups.
    expect((await call('GET', `/api/hub/backups/${byHand.id}`, { headers })).status).toBe(200);
    expect((await scheduledBackups(headers, other.id)).map((b) => b.id).sort()).toEqual(othersBackups);
    await sleep(2500);
    expect((await scheduledBackups(headers, s.id)).map((b) => b.id).sort()).toEqual(kept.map((b) => b.id).sort());
  }, 90_000);

  it('fires a schedule created while Redis did not answer, once the sync has registered it', async () => {
    const { headers } = await tenantWithData();
    // An api process whose Redis is unreachable: the row is stored, the registration times out.
    const blind = await startApi('schedules-no-redis', { REDIS_URL: 'redis://127.0.0.1:1' }, '/health');
    let s;
    try {
      const created = await call('POST', '/api/hub/backup-schedules', {
        headers,
        json: { cron: EVERY_SECOND, collections: ['*'], retention: { keep_last: 5 } },
        baseUrl: blind.url,
      });
      expect(created.status).toBe(201);
      s = created.body;
    } finally {
      await blind.stop();
    }
    // The stack's api syncs every 30 s; the first sync after the row appeared registers it.
    const made = await waitForScheduledBackups(headers, s.id, 1, 45_000);
    await patchSchedule(headers, s.id, { enabled: false });
    expect(made[0]).toMatchObject({ schedule_id: s.id });
  }, 90_000);

  it('fires each slot once with two api processes consuming ticks', async () => {
    const second = await startApi('schedules-second');
    try {
      const { headers } = await tenantWithData();
      const s = await createSchedule(headers, { cron: EVERY_SECOND }, second.url);
      const startedAt = Date.now();
      await waitForScheduledBackups(headers, s.id, 5);
      await patchSchedule(headers, s.id, { enabled: false });
      const stoppedAt = Date.now();
      await sleep(1500);
      const slots = (await scheduledBackups(headers, s.id)).map(slotOf).sort((a, b) => a - b);
      expect(new Set(slots).size).toBe(slots.length);
      expect(slots.length).toBeLessThanOrEqual(Math.ceil((stoppedAt - startedAt) / 1000) + 1);
      for (const slot of slots) expect(slot).toBeGreaterThanOrEqual(startedAt - 1000);
      const last = await waitForSchedule(headers, s.id, (x) => x.last_run_at !== null);
      expect(Date.parse(last.last_run_at)).toBe(slots[slots.length - 1]);
    } finally {
      await second.stop();
    }
  }, 90_000);
});
