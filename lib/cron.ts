/**
 * Cron schedules (minute hour day-of-month month day-of-week): any of them
 * checked for Kubernetes CronJobs, and weekly recurrences, as EC2 Auto Scaling
 * scheduled actions take them, where day of month and month must be `*`: used
 * to validate an off-hours schedule, to price the hours a node group runs, and
 * to tell whether an environment runs now.
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

const MINUTES_PER_DAY = 24 * 60;

/**
 * The same weekly recurrence as an EventBridge Scheduler cron, which has six
 * fields (minute hour day-of-month month day-of-week year), wants `?` in one
 * of the day fields and counts days of the week from 1 (Sunday): the days are
 * written as names, so neither numbering can be mistaken for the other.
 */
export function toSchedulerCron(expression: string): string {
  const parsed = parseWeeklyCron(expression);
  if (typeof parsed === 'string') throw new Error(`"${expression}": ${parsed}`);
  const [minute, hour] = expression.trim().split(/\s+/) as [string, string];
  const days = [...parsed.days].sort((a, b) => a - b).map((d) => DAY_NAMES[d]);
  return `cron(${minute} ${hour} ? * ${days.join(',')} *)`;
}

/** Reads back what {@link toSchedulerCron} writes; anything else is returned as what is wrong with it. */
export function parseSchedulerCron(expression: string): WeeklyCron | string {
  const match = /^cron\((\S+) (\S+) \? \* ([A-Za-z,-]+) \*\)$/.exec(expression.trim());
  if (!match) return 'must be cron(minute hour ? * DAYS *) with days by name';
  return parseWeeklyCron(`${match[1]} ${match[2]} * * ${match[3]}`);
}

/** The spans of the week, in minutes from Sunday 00:00, between each start and the next stop. */
export function weeklyUpSpans(scaleDown: WeeklyCron, scaleUp: WeeklyCron): Array<{ start: number; minutes: number }> {
  const spans: Array<{ start: number; minutes: number }> = [];
  let start: number | undefined;
  // Two weeks, so a span that wraps past Saturday midnight closes.
  for (let m = 0; m < 2 * MINUTES_PER_WEEK && spans.length < 64; m++) {
    const w = m % MINUTES_PER_WEEK;
    if (start !== undefined && fires(scaleDown, w)) {
      if (start < MINUTES_PER_WEEK) spans.push({ start, minutes: m - start });
      start = undefined;
    }
    if (start === undefined && fires(scaleUp, w) && !fires(scaleDown, w)) start = m;
  }
  return spans;
}

/** An off-hours schedule: when the nodes stop and start, in one time zone. */
export interface OffHoursSchedule {
  readonly scaleDown: string;
  readonly scaleUp: string;
  readonly timeZone: string;
}

/** Minutes after a start before the nodes serve (nodes join, pods schedule, the database starts). */
const WAKING_MINUTES = 20;
/** Minutes before a stop when nothing new should begin: an apply and its smoke test take about that long. */
const CLOSING_MINUTES = 60;

/**
 * Whether an environment with this schedule runs at `now`, with room for a
 * deploy: from 20 minutes after its nodes start to an hour before they stop.
 */
export function isAwake(schedule: OffHoursSchedule, now: Date): boolean {
  const down = parseWeeklyCron(schedule.scaleDown);
  const up = parseWeeklyCron(schedule.scaleUp);
  if (typeof down === 'string' || typeof up === 'string') throw new Error(`off-hours schedule "${schedule.scaleDown}" / "${schedule.scaleUp}": ${typeof down === 'string' ? down : up}`);
  const local = new Date(now.getTime() + utcOffsetMinutes(schedule.timeZone, now) * 60_000);
  const minute = local.getUTCDay() * MINUTES_PER_DAY + local.getUTCHours() * 60 + local.getUTCMinutes();
  return weeklyUpSpans(down, up).some(({ start, minutes }) =>
    [minute, minute + MINUTES_PER_WEEK].some((m) => m >= start + WAKING_MINUTES && m < start + minutes - CLOSING_MINUTES),
  );
}

/** Minutes east of UTC of a time zone on a day (from the Intl data the runtime carries). */
function utcOffsetMinutes(timeZone: string, date: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`cannot read the UTC offset of ${timeZone} from "${name}"`);
  return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** A Secrets Manager rotation window: a UTC cron and its length. */
export interface RotationWindow {
  readonly scheduleExpression: string;
  readonly duration: string;
}

/** Hours of the rotation window, and the margin before it (the database starting) and after it. */
const ROTATION_WINDOW_HOURS = 2;
const ROTATION_MARGIN_MINUTES = 60;

/**
 * A rotation window inside the working hours of an off-hours schedule, for a
 * database that is stopped outside them: Secrets Manager's rotation schedules
 * are in UTC, and a window given as a number of days falls at a random hour.
 * The window opens an hour after the first span of the week that is long
 * enough, lasts two hours, and repeats on that weekday: monthly (its first
 * occurrence in the month) when credentials rotate every 28 days or more,
 * otherwise weekly. The zone's standard offset is used, so in summer time the
 * window comes an hour later in local time, still inside the span (hence the
 * span must hold the window and an hour on each side). Returns what is wrong
 * as a string.
 */
export function rotationWindowWithin(scaleDown: string, scaleUp: string, timeZone: string, rotationDays: number): RotationWindow | string {
  const down = parseWeeklyCron(scaleDown);
  const up = parseWeeklyCron(scaleUp);
  if (typeof down === 'string' || typeof up === 'string') return 'needs valid scaleDown and scaleUp crons';
  if (rotationDays < 7) return `rotates every ${rotationDays} days: a weekly window cannot rotate more often than every 7`;
  const needed = ROTATION_WINDOW_HOURS * 60 + 2 * ROTATION_MARGIN_MINUTES;
  const span = weeklyUpSpans(down, up).find((s) => s.minutes >= needed);
  if (!span) return `has no span of working hours of ${needed / 60} hours or more (the rotation window and an hour either side)`;
  let offsets: number[];
  try {
    offsets = [new Date(Date.UTC(2026, 0, 15)), new Date(Date.UTC(2026, 6, 15))].map((d) => utcOffsetMinutes(timeZone, d));
  } catch {
    return `has a time zone "${timeZone}" the runtime does not know`;
  }
  const utcStart = (((span.start + ROTATION_MARGIN_MINUTES - Math.min(...offsets)) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  const minuteOfDay = utcStart % MINUTES_PER_DAY;
  if (minuteOfDay + ROTATION_WINDOW_HOURS * 60 > MINUTES_PER_DAY) return 'puts the rotation window across midnight UTC, which Secrets Manager refuses';
  // Secrets Manager counts days of the week from 1 (Sunday).
  const day = Math.floor(utcStart / MINUTES_PER_DAY) + 1;
  const minute = minuteOfDay % 60;
  const hour = Math.floor(minuteOfDay / 60);
  return { scheduleExpression: `cron(${minute} ${hour} ? * ${day}${rotationDays >= 28 ? '#1' : ''} *)`, duration: `${ROTATION_WINDOW_HOURS}h` };
}

/** Minute, hour, day of month, month, day of week: each field's bounds. */
const CRON_FIELD_BOUNDS: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** Whether a schedule is five numeric cron fields (`*`, lists, ranges, steps) within their bounds. */
export function isCronSchedule(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== CRON_FIELD_BOUNDS.length) return false;
  return fields.every((text, i) => {
    const [min, max] = CRON_FIELD_BOUNDS[i]!;
    const inBounds = (n: string) => Number(n) >= min && Number(n) <= max;
    return text.split(',').every((part) => {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return false;
      const [, , from, to, step] = m;
      if (from !== undefined && !inBounds(from)) return false;
      if (to !== undefined && (!inBounds(to) || Number(to) < Number(from))) return false;
      return step === undefined || Number(step) >= 1;
    });
  });
}
