import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { assertCron, assertTimezone, nextRun, ScheduleRuleError, slotBackupId } from './schedule-rules';

const NOW = new Date('2026-11-25T16:07:13.250Z');

function problem(fn: () => void): ScheduleRuleError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScheduleRuleError) return err;
    throw err;
  }
  throw new Error('expected a ScheduleRuleError');
}

describe('schedule rules', () => {
  it('accepts 5 fields, and 6 with seconds first', () => {
    expect(() => assertCron('0 */6 * * *', 'UTC', 900, NOW)).not.toThrow();
    expect(() => assertCron('*/2 * * * * *', 'UTC', 1, NOW)).not.toThrow();
    expect(() => assertCron('0 30 9 * * 1-5', 'Europe/Paris', 900, NOW)).not.toThrow();
  });

  it('refuses other field counts, bad values and crons that never fire, naming the field', () => {
    for (const [cron, message] of [
      ['* * * *', /4 field\(s\)/],
      ['* * * * * * *', /7 field\(s\)/],
      ['@daily', /1 field\(s\)/],
      ['61 * * * *', /not a valid cron expression/],
      ['a b c d e', /not a valid cron expression/],
      ['0 0 31 2 *', /not a valid cron expression|never fires/],
    ] as const) {
      const err = problem(() => assertCron(cron, 'UTC', 1, NOW));
      expect(err.field).toBe('cron');
      expect(err.message).toMatch(/^cron: /);
      expect(err.message).toMatch(message);
    }
  });

  it('refuses a cron firing more often than the minimum interval, however rarely the short gap occurs', () => {
    expect(problem(() => assertCron('* * * * *', 'UTC', 900, NOW)).message).toMatch(/60 s apart.*every 900 s/);
    expect(problem(() => assertCron('*/5 * * * * *', 'UTC', 60, NOW)).message).toMatch(/5 s apart/);
    // 23:00 and 23:05 on one day a year: the short gap is still found.
    expect(problem(() => assertCron('0,5 23 24 12 *', 'UTC', 900, NOW)).message).toMatch(/300 s apart/);
    expect(() => assertCron('0 */15 * * * *', 'UTC', 900, NOW)).not.toThrow();
    // 23:55 and 00:55 on 29 February and 1 March: consecutive days in leap years only.
    expect(problem(() => assertCron('55 0,23 29,1 2,3 *', 'UTC', 7200, NOW)).message).toMatch(/3600 s apart/);
  });

  // Each slot of a sparse cron costs cron-parser a long search (29 February took 1.6 s
  // for 500 slots): the check must stop at four years of slots, not at the 500.
  it('looks at a sparse cron over four years of slots only', () => {
    const parse = CronExpressionParser.parse.bind(CronExpressionParser);
    let slotsAsked = 0;
    const spy = jest.spyOn(CronExpressionParser, 'parse').mockImplementation((...args: Parameters<typeof parse>) => {
      const interval = parse(...args);
      const next = interval.next.bind(interval);
      interval.next = () => {
        slotsAsked++;
        return next();
      };
      return interval;
    });
    try {
      // Slots in four years, plus the one that shows the horizon is passed. (Day of
      // month and day of week both set means either, as in cron: the 13th or a Friday.)
      for (const [cron, most] of [['0 0 29 2 *', 2], ['0 0 1 1 *', 5], ['0 0 13 * 5', 260], ['0 0 31 * *', 29]] as const) {
        slotsAsked = 0;
        expect(() => assertCron(cron, 'UTC', 900, NOW)).not.toThrow();
        expect(slotsAsked).toBeLessThanOrEqual(most + 1);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('knows IANA time zones and refuses others', () => {
    for (const tz of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata']) expect(() => assertTimezone(tz)).not.toThrow();
    const err = problem(() => assertTimezone('Mars/Olympus_Mons'));
    expect(err.field).toBe('timezone');
    expect(err.message).toMatch(/^timezone: unknown time zone 'Mars\/Olympus_Mons'/);
  });

  it('computes the next run in the schedule’s time zone', () => {
    expect(nextRun('0 */6 * * *', 'UTC', NOW)?.toISOString()).toBe('2026-11-25T18:00:00.000Z');
    // 09:00 in Paris is 08:00 UTC in winter.
    expect(nextRun('0 9 * * *', 'Europe/Paris', NOW)?.toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(nextRun('*/2 * * * * *', 'UTC', NOW)?.toISOString()).toBe('2026-11-25T16:07:14.000Z');
  });

  it('gives each slot of a schedule one stable backup id that the job payload accepts', () => {
    const schedule = '3f1c8a52-6b0e-4c1e-9a51-0d7b1f9e2c44';
    const a = slotBackupId(schedule, new Date('2026-11-25T18:00:00Z'));
    expect(slotBackupId(schedule, new Date('2026-11-25T18:00:00Z'))).toBe(a);
    expect(slotBackupId(schedule, new Date('2026-11-26T00:00:00Z'))).not.toBe(a);
    expect(slotBackupId('0e6b0f0a-1111-4222-8333-444455556666', new Date('2026-11-25T18:00:00Z'))).not.toBe(a);
    expect(z.string().uuid().safeParse(a).success).toBe(true);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
