import { expiredBackups, type RetainedBackup } from './retention-policy';

const NOW = new Date('2026-11-25T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 24 * 3600 * 1000);

/** Backups named by age in days, `s` succeeded unless given another status. */
function made(...specs: [string, number, RetainedBackup['status']?][]): RetainedBackup[] {
  return specs.map(([id, age, status]) => ({ id, createdAt: daysAgo(age), status: status ?? 'succeeded' }));
}

describe('expiredBackups', () => {
  it('keeps the N newest succeeded backups', () => {
    const backups = made(['b5', 0], ['b4', 1], ['b3', 2], ['b2', 3], ['b1', 4]);
    expect(expiredBackups(backups, { keepLast: 3, maxAgeDays: null }, NOW).sort()).toEqual(['b1', 'b2']);
    expect(expiredBackups(backups, { keepLast: 5, maxAgeDays: null }, NOW)).toEqual([]);
    expect(expiredBackups(backups, { keepLast: 1, maxAgeDays: null }, NOW).sort()).toEqual(['b1', 'b2', 'b3', 'b4']);
  });

  it('deletes succeeded backups older than max_age_days, except the newest one', () => {
    const backups = made(['new', 10], ['older', 20], ['oldest', 40]);
    expect(expiredBackups(backups, { keepLast: null, maxAgeDays: 7 }, NOW).sort()).toEqual(['older', 'oldest']);
    expect(expiredBackups(backups, { keepLast: null, maxAgeDays: 30 }, NOW)).toEqual(['oldest']);
  });

  it('applies both limits together', () => {
    const backups = made(['a', 0], ['b', 1], ['c', 2], ['d', 40]);
    expect(expiredBackups(backups, { keepLast: 3, maxAgeDays: 30 }, NOW)).toEqual(['d']);
    expect(expiredBackups(backups, { keepLast: 2, maxAgeDays: 30 }, NOW).sort()).toEqual(['c', 'd']);
  });

  it('never chooses queued or running backups, nor counts them as kept', () => {
    const backups = made(['q', 0, 'queued'], ['r', 0.5, 'running'], ['s2', 1], ['s1', 2]);
    expect(expiredBackups(backups, { keepLast: 1, maxAgeDays: null }, NOW)).toEqual(['s1']);
    expect(expiredBackups(made(['old-running', 90, 'running'], ['s', 1]), { keepLast: null, maxAgeDays: 1 }, NOW)).toEqual([]);
  });

  it('removes failed and cancelled runs older than the oldest kept backup or max_age_days', () => {
    const backups = made(['f3', 0, 'failed'], ['s2', 1], ['f2', 2, 'cancelled'], ['s1', 3], ['f1', 4, 'failed']);
    expect(expiredBackups(backups, { keepLast: 2, maxAgeDays: null }, NOW)).toEqual(['f1']);
    expect(expiredBackups(backups, { keepLast: 1, maxAgeDays: null }, NOW)).toEqual(['f2', 's1', 'f1']);
    expect(expiredBackups(made(['f', 10, 'failed']), { keepLast: 3, maxAgeDays: 5 }, NOW)).toEqual(['f']);
    // Without any success, failures stay (they are all there is to look at) until max_age_days.
    expect(expiredBackups(made(['f2', 1, 'failed'], ['f1', 2, 'failed']), { keepLast: 1, maxAgeDays: null }, NOW)).toEqual([]);
  });

  it('keeps the newest succeeded backup whatever the policy', () => {
    expect(expiredBackups(made(['only', 400]), { keepLast: 1, maxAgeDays: 1 }, NOW)).toEqual([]);
    expect(expiredBackups(made(['same-time-b', 1], ['same-time-a', 1]), { keepLast: 1, maxAgeDays: null }, NOW)).toEqual(['same-time-a']);
  });
});
