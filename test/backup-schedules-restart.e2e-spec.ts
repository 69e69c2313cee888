import { randomUUID } from 'node:crypto';
import { bearer, call } from './support/client';
import { waitFor } from './support/processes';
import { createSchedule, EVERY_SECOND, isolatedCluster, patchSchedule, scheduledBackups, slotOf, waitForScheduledBackups } from './support/schedules';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Restarts need a cluster whose only api process can be stopped: the test stack's api
 * would take the ticks meanwhile. This one has its own database, queue prefix, worker and api.
 */
describe('backup schedules across api restarts', () => {
  let cluster: Awaited<ReturnType<typeof isolatedCluster>>;
  beforeAll(async () => {
    cluster = await isolatedCluster('sched-restart');
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  async function tenantHeaders() {
    const tenant = await call('POST', '/admin/tenants', { headers: cluster.admin, json: { name: `t-${randomUUID()}` }, baseUrl: cluster.url() });
    const key = await call('POST', `/admin/tenants/${tenant.body.id}/api-keys`, { headers: cluster.admin, json: { name: 'k' }, baseUrl: cluster.url() });
    return bearer(key.body.key);
  }

  /**
   * Fires a per-second schedule, stops the only api process with `signal`, lets four
   * slots fall due, starts it again, and checks every slot that ran.
   */
  async function restartAcross(signal: NodeJS.Signals) {
    const headers = await tenantHeaders();
    const s = await createSchedule(headers, { cron: EVERY_SECOND }, cluster.url());
    await waitForScheduledBackups(headers, s.id, 2, 30_000, cluster.url());

    await cluster.api().stop(signal);
    const stoppedAt = Date.now();
    await sleep(4000); // four slots fall due with nobody to take them
    const restartedAt = Date.now();
    await cluster.restartApi();
    const before = (await scheduledBackups(headers, s.id, cluster.url())).map(slotOf);
    const lastBeforeStop = Math.max(...before.filter((slot) => slot < stoppedAt));
    await waitFor('the schedule to fire after the restart', async () => {
      const slots = (await scheduledBackups(headers, s.id, cluster.url())).map(slotOf);
      return slots.filter((slot) => slot > restartedAt).length >= 2 ? true : undefined;
    }, 30_000, 250);
    await patchSchedule(headers, s.id, { enabled: false }, cluster.url());
    await sleep(500);

    const slots = (await scheduledBackups(headers, s.id, cluster.url())).map(slotOf).sort((a, b) => a - b);
    expect(new Set(slots).size).toBe(slots.length);
    // Before the stop: every slot, one second apart.
    const early = slots.filter((slot) => slot <= lastBeforeStop);
    for (let i = 1; i < early.length; i++) expect(early[i] - early[i - 1]).toBe(1000);
    // The slot that was pending when the api stopped ran once, after the restart...
    const pending = lastBeforeStop + 1000;
    expect(slots.filter((slot) => slot === pending)).toHaveLength(1);
    // ...and the slots that fell due while nothing ran did not run at all.
    expect(restartedAt - pending).toBeGreaterThanOrEqual(3000);
    expect(slots.filter((slot) => slot > pending && slot < restartedAt).map(iso)).toEqual([]);
    const schedule = (await call('GET', `/api/hub/backup-schedules/${s.id}`, { headers, baseUrl: cluster.url() })).body;
    expect(Date.parse(schedule.last_run_at)).toBe(slots[slots.length - 1]);
  }

  it('runs the slots missed while the api was stopped once at start, and loses or doubles no other slot', async () => {
    await restartAcross('SIGTERM');
  }, 120_000);

  it('does the same after the api is killed with SIGKILL', async () => {
    await restartAcross('SIGKILL');
  }, 120_000);
});
