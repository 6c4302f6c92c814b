/**
 * Decides a Checkov run: every failed check must be one we accepted, with a
 * reason, in ci/checkov-accepted.yaml. Checkov's own baseline file has no
 * place for a reason, and an inline skip cannot be written into synthesized
 * JSON, so the accepted findings live here, reviewed like code.
 */
import { parse } from 'yaml';

/** One accepted finding: a check, on resources matching a glob, in some stacks. */
export interface AcceptedFinding {
  readonly check: string;
  /** Terraform addresses as Checkov prints them (`aws_iam_role_policy_attachment.PlatformAdmin_*`); `*` matches anything. */
  readonly resources: readonly string[];
  /** Stacks it applies in; absent means every stack. */
  readonly stacks?: readonly string[];
  readonly reason: string;
}

/** A failed check, as Checkov's JSON output reports it. */
export interface CheckovFinding {
  readonly checkId: string;
  readonly checkName: string;
  readonly resource: string;
  readonly stack: string;
}

export interface GateResult {
  readonly unaccepted: readonly CheckovFinding[];
  readonly accepted: number;
  /** Entries that matched nothing: fixed since, or renamed. */
  readonly stale: readonly AcceptedFinding[];
  readonly parsingErrors: readonly string[];
}

export class CheckovGateError extends Error {}

const CHECK_ID = /^CKV2?_[A-Z0-9]+_\d+$/;

/** Reads and validates ci/checkov-accepted.yaml, naming the entry and field at fault. */
export function parseAccepted(text: string): AcceptedFinding[] {
  const document = parse(text) as unknown;
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { accepted?: unknown }).accepted)) {
    throw new CheckovGateError('ci/checkov-accepted.yaml must hold `accepted:`, a list');
  }
  return (document as { accepted: unknown[] }).accepted.map((raw, i) => {
    const at = `accepted[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new CheckovGateError(`${at} must be a mapping`);
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['check', 'resources', 'stacks', 'reason'].includes(key)) throw new CheckovGateError(`${at}.${key} is not a known field (check, resources, stacks, reason)`);
    }
    if (typeof entry.check !== 'string' || !CHECK_ID.test(entry.check)) throw new CheckovGateError(`${at}.check = ${JSON.stringify(entry.check)} must be a Checkov check ID such as CKV_AWS_18`);
    const strings = (field: string, value: unknown): string[] => {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0)) {
        throw new CheckovGateError(`${at}.${field} must be a non-empty list of strings`);
      }
      return value as string[];
    };
    const resources = strings('resources', entry.resources);
    const stacks = entry.stacks === undefined ? undefined : strings('stacks', entry.stacks);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20) {
      throw new CheckovGateError(`${at}.reason must say why ${String(entry.check)} is accepted, in a sentence (20 characters or more)`);
    }
    return { check: entry.check, resources, stacks, reason: entry.reason.trim() };
  });
}

/** The failed checks and parsing errors of Checkov's `-o json` output: one report, or a list of them. */
export function parseCheckovOutput(json: unknown): { findings: CheckovFinding[]; parsingErrors: string[] } {
  const reports = (Array.isArray(json) ? json : [json]) as Record<string, unknown>[];
  const findings: CheckovFinding[] = [];
  const parsingErrors: string[] = [];
  for (const report of reports) {
    // With nothing to check, Checkov prints only the summary.
    const results = report.results as { failed_checks?: Record<string, unknown>[]; parsing_errors?: string[] } | undefined;
    if (results === undefined) continue;
    parsingErrors.push(...(results.parsing_errors ?? []));
    for (const failed of results.failed_checks ?? []) {
      const path = String(failed.file_path ?? failed.repo_file_path ?? '');
      const stack = /stacks\/([^/]+)\//.exec(path)?.[1] ?? path;
      findings.push({ checkId: String(failed.check_id), checkName: String(failed.check_name ?? ''), resource: String(failed.resource), stack });
    }
  }
  return { findings, parsingErrors };
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function accepts(entry: AcceptedFinding, finding: CheckovFinding): boolean {
  return (
    entry.check === finding.checkId &&
    (entry.stacks === undefined || entry.stacks.includes(finding.stack)) &&
    entry.resources.some((pattern) => glob(pattern).test(finding.resource))
  );
}

export function gate(findings: readonly CheckovFinding[], accepted: readonly AcceptedFinding[], parsingErrors: readonly string[] = []): GateResult {
  const used = new Set<AcceptedFinding>();
  const unaccepted: CheckovFinding[] = [];
  for (const finding of findings) {
    const entry = accepted.find((a) => accepts(a, finding));
    if (entry) used.add(entry);
    else unaccepted.push(finding);
  }
  return { unaccepted, accepted: findings.length - unaccepted.length, stale: accepted.filter((a) => !used.has(a)), parsingErrors };
}
