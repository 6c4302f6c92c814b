import { describe, expect, it } from 'vitest';
import { isAwake, parseSchedulerCron, parseWeeklyCron, rotationWindowWithin, toSchedulerCron, weeklyUpFraction, weeklyUpSpans } from '../../lib/cron.ts';

const cron = (expression: string) => {
  const parsed = parseWeeklyCron(expression);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

describe('weekly crons', () => {
  it('run weekdays 08:00 to 20:00 for 60 of the 168 hours of a week, in five spans', () => {
    expect(weeklyUpFraction(cron('0 20 * * 1-5'), cron('0 8 * * 1-5'))).toBeCloseTo(60 / 168, 12);
    expect(weeklyUpSpans(cron('0 20 * * 1-5'), cron('0 8 * * 1-5'))).toEqual([1, 2, 3, 4, 5].map((day) => ({ start: day * 1440 + 8 * 60, minutes: 12 * 60 })));
  });

  it("turn into EventBridge Scheduler's six-field cron with days by name, and back", () => {
    expect(toSchedulerCron('0 20 * * 1-5')).toBe('cron(0 20 ? * MON,TUE,WED,THU,FRI *)');
    expect(toSchedulerCron('30 8 * * 0,6')).toBe('cron(30 8 ? * SUN,SAT *)');
    expect(toSchedulerCron('0 8 * * 7')).toBe('cron(0 8 ? * SUN *)');
    expect(parseSchedulerCron(toSchedulerCron('15 7 * * 1-5'))).toEqual(cron('15 7 * * 1-5'));
    expect(parseSchedulerCron('cron(0 8 ? * 2-6 *)')).toMatch(/days by name/);
    expect(() => toSchedulerCron('0 20 1 * *')).toThrow(/must repeat every week/);
  });
});

describe('a rotation window inside working hours', () => {
  it('opens an hour after the first span starts, in UTC at the standard offset, two hours long', () => {
    // Monday 09:00 in India is 03:30 UTC; Secrets Manager numbers Monday 2. Monthly from 28 days, weekly below.
    expect(rotationWindowWithin('0 20 * * 1-5', '0 8 * * 1-5', 'Asia/Kolkata', 30)).toEqual({ scheduleExpression: 'cron(30 3 ? * 2#1 *)', duration: '2h' });
    expect(rotationWindowWithin('0 20 * * 1-5', '0 8 * * 1-5', 'Asia/Kolkata', 7)).toEqual({ scheduleExpression: 'cron(30 3 ? * 2 *)', duration: '2h' });
    // New York's standard offset is UTC-5: 09:00 EST is 14:00 UTC, and 10:00 in summer, still inside 08:00-20:00.
    expect(rotationWindowWithin('0 20 * * 1-5', '0 8 * * 1-5', 'America/New_York', 7)).toEqual({ scheduleExpression: 'cron(0 14 ? * 2 *)', duration: '2h' });
  });

  it('says why when none fits', () => {
    expect(rotationWindowWithin('0 11 * * 1-5', '0 8 * * 1-5', 'Asia/Kolkata', 30)).toMatch(/no span of working hours of 4 hours or more/);
    expect(rotationWindowWithin('0 20 * * 1-5', '0 8 * * 1-5', 'Asia/Kolkata', 3)).toMatch(/cannot rotate more often than every 7/);
    expect(rotationWindowWithin('0 20 * * 1-5', '0 8 * * 1-5', 'Pacific/Nowhere', 30)).toMatch(/time zone "Pacific\/Nowhere"/);
    // 09:00 in Brisbane (UTC+10) is 23:00 UTC the day before: the window would run past midnight.
    expect(rotationWindowWithin('0 20 * * 1-5', '0 8 * * 1-5', 'Australia/Brisbane', 30)).toMatch(/across midnight UTC/);
  });
});

describe('isAwake: whether an environment that sleeps out of hours runs, with room for a deploy', () => {
  const schedule = { scaleDown: '0 20 * * 1-5', scaleUp: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' };
  // IST is UTC+5:30: 2026-12-07 is a Monday.
  const at = (iso: string) => isAwake(schedule, new Date(iso));

  it('is awake from 20 minutes after the nodes start to an hour before they stop, on weekdays', () => {
    expect(at('2026-12-07T02:49:00Z')).toBe(false); // 08:19 IST: the nodes are still joining
    expect(at('2026-12-07T02:50:00Z')).toBe(true); // 08:20 IST
    expect(at('2026-12-07T03:30:00Z')).toBe(true); // 09:00 IST, the catch-up run
    expect(at('2026-12-07T13:29:00Z')).toBe(true); // 18:59 IST
    expect(at('2026-12-07T13:30:00Z')).toBe(false); // 19:00 IST: too close to the stop
    expect(at('2026-12-07T20:00:00Z')).toBe(false); // 01:30 IST, night
  });

  it('sleeps through the weekend, Friday night to Monday morning', () => {
    expect(at('2026-12-11T12:00:00Z')).toBe(true); // Friday 17:30 IST
    expect(at('2026-12-12T06:00:00Z')).toBe(false); // Saturday 11:30 IST
    expect(at('2026-12-13T23:00:00Z')).toBe(false); // Monday 04:30 IST
  });
});
