/**
 * Weekly cron recurrences, as EC2 Auto Scaling scheduled actions take them
 * (minute hour day-of-month month day-of-week), limited to the weekly kind:
 * day of month and month must be `*`. Used to validate an off-hours schedule
 * and to price the hours a node group runs.
 */

export interface WeeklyCron {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday. */
  readonly days: ReadonlySet<number>;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names: readonly string[] = []): Set<number> | string {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `step "${stepText}" is not a whole number from 1`;
    const value = (v: string) => (names.includes(v.toUpperCase()) ? names.indexOf(v.toUpperCase()) : /^\d+$/.test(v) ? Number(v) : NaN);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) [from, to] = range.split('-').map(value) as [number, number];
    else [from, to] = [value(range), stepText === undefined ? value(range) : max];
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < min || to > max || from > to) return `"${part}" is outside ${min}-${max}`;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** Parses a weekly cron; returns what is wrong with it as a string. */
export function parseWeeklyCron(expression: string): WeeklyCron | string {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return 'must have five fields: minute hour day-of-month month day-of-week';
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts as [string, string, string, string, string];
  if (dayOfMonth !== '*' || month !== '*') return 'must repeat every week: day-of-month and month must be *';
  const minutes = field(minute, 0, 59);
  const hours = field(hour, 0, 23);
  // Cron allows 7 for Sunday too.
  const days = field(dayOfWeek, 0, 7, DAY_NAMES);
  for (const [name, parsed] of [['minute', minutes], ['hour', hours], ['day-of-week', days]] as const) {
    if (typeof parsed === 'string') return `${name} ${parsed}`;
  }
  const weekdays = new Set([...(days as Set<number>)].map((d) => d % 7));
  return { minutes: minutes as Set<number>, hours: hours as Set<number>, days: weekdays };
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

function fires(cron: WeeklyCron, minuteOfWeek: number): boolean {
  const day = Math.floor(minuteOfWeek / 1440);
  const hour = Math.floor((minuteOfWeek % 1440) / 60);
  return cron.days.has(day) && cron.hours.has(hour) && cron.minutes.has(minuteOfWeek % 60);
}

/**
 * The share of a week a group runs when it stops at `scaleDown` and starts at
 * `scaleUp` (both in one time zone, so the zone cancels out): the week is
 * walked minute by minute, twice, so the state at its start is settled.
 */
export function weeklyUpFraction(scaleDown: WeeklyCron, scaleUp: WeeklyCron): number {
  let up = true;
  let upMinutes = 0;
  for (let pass = 0; pass < 2; pass++) {
    upMinutes = 0;
    for (let m = 0; m < MINUTES_PER_WEEK; m++) {
      if (fires(scaleUp, m)) up = true;
      if (fires(scaleDown, m)) up = false;
      if (up) upMinutes++;
    }
  }
  return upMinutes / MINUTES_PER_WEEK;
}
