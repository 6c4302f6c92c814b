import { describe, expect, it } from 'vitest';
import { parseSchedulerCron, parseWeeklyCron, rotationWindowWithin, toSchedulerCron, weeklyUpFraction, weeklyUpSpans } from '../../lib/weekly-cron.ts';

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
