/**
 * Committed, reviewed exceptions to the data-loss gate: ci/allowed-data-destroys.json
 * lets one stack destroy or replace one data-bearing resource, by exact
 * address, until a date. Checked strictly, because a typo in a key that
 * silently does nothing is how a gate gets bypassed or an allowance lost.
 */
import { readFileSync } from 'node:fs';

export interface Allowance {
  readonly stack: string;
  readonly address: string;
  /** Why the data may go, for the reviewer. */
  readonly reason: string;
  /** YYYY-MM-DD; the allowance holds through that day (UTC). */
  readonly expires: string;
}

/** The allowance file cannot be read or breaks the format; the message names the entry and field. */
export class AllowanceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowanceFileError';
  }
}

const FIELDS = ['stack', 'address', 'reason', 'expires'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether text is YYYY-MM-DD and a day of the calendar (not 2027-02-30). */
function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Checks parsed JSON against the allowance format; source names the file in messages. */
export function parseAllowances(json: unknown, source: string): Allowance[] {
  const fail = (where: string, problem: string): never => {
    throw new AllowanceFileError(`${source}: ${where}: ${problem}`);
  };
  if (!isObject(json)) return fail('top level', 'expected an object { "allowances": [...] }');
  for (const key of Object.keys(json)) if (key !== 'allowances') fail('top level', `unknown key "${key}"; the only key is "allowances"`);
  if (!Array.isArray(json.allowances)) return fail('allowances', 'expected an array');
  return json.allowances.map((entry: unknown, i): Allowance => {
    const at = `allowances[${i}]`;
    if (!isObject(entry)) return fail(at, 'expected an object with stack, address, reason and expires');
    for (const key of Object.keys(entry)) {
      if (!(FIELDS as readonly string[]).includes(key)) fail(`${at}.${key}`, `unknown key; the keys are ${FIELDS.join(', ')}`);
    }
    for (const field of FIELDS) {
      const value = entry[field];
      if (value === undefined) fail(`${at}.${field}`, 'missing');
      if (typeof value !== 'string' || value.trim() === '') fail(`${at}.${field}`, 'expected a non-empty string');
    }
    const allowance = entry as unknown as Allowance;
    if (!isDate(allowance.expires)) fail(`${at}.expires`, `"${allowance.expires}" is not a date as YYYY-MM-DD`);
    if (/\s/.test(allowance.address) || /\s/.test(allowance.stack)) fail(`${at}.${/\s/.test(allowance.stack) ? 'stack' : 'address'}`, 'must not contain spaces');
    return { stack: allowance.stack, address: allowance.address, reason: allowance.reason.trim(), expires: allowance.expires };
  });
}

/** Reads and checks the allowance file at path. */
export function loadAllowances(path: string): Allowance[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AllowanceFileError(`cannot read the allowance file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AllowanceFileError(`${path}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseAllowances(json, path);
}

/** Whether the allowance has run out at now: it holds through its expiry day, UTC. */
export function isExpired(allowance: Allowance, now: Date): boolean {
  return now.getTime() >= Date.parse(`${allowance.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}

/** The allowances for stack and address, exactly: the live one if any, else the expired ones to report. */
export function findAllowance(allowances: readonly Allowance[], stack: string, address: string, now: Date): { live?: Allowance; expired: Allowance[] } {
  const matching = allowances.filter((a) => a.stack === stack && a.address === address);
  return { live: matching.find((a) => !isExpired(a, now)), expired: matching.filter((a) => isExpired(a, now)) };
}
