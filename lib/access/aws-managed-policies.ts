import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyDocument } from './types.ts';

/** A copy of an AWS-managed policy's default version, with where it was read. */
export interface AwsManagedPolicyRecord {
  readonly name: string;
  readonly arn: string;
  readonly versionId: string;
  /** AWS's reference page of the policy. */
  readonly source: string;
  /** The public copy the JSON was taken from, with its commit. */
  readonly copiedFrom: string;
  /** When AWS last changed the default version, as recorded by the copy. */
  readonly defaultVersionUpdated: string;
  /** The day the copy was read. */
  readonly readOn: string;
  readonly document: PolicyDocument;
}

/** A stack uses an AWS-managed policy whose documented content is not stored here. */
export class MissingManagedPolicyError extends Error {
  constructor(readonly policyArn: string) {
    super(
      `the AWS-managed policy ${policyArn} is not stored in lib/access/data/aws-managed-policies/: ` +
        'add its documented JSON (docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html) with its version ID; ' +
        'it is never read as allow-all or deny-all',
    );
    this.name = 'MissingManagedPolicyError';
  }
}

const DIR = join(__dirname, 'data', 'aws-managed-policies');
const cache = new Map<string, AwsManagedPolicyRecord>();

/** Whether an ARN names an AWS-managed policy (`arn:<partition>:iam::aws:policy/...`). */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn);
}

/** The stored copy of an AWS-managed policy; fails loudly when there is none. */
export function awsManagedPolicy(arn: string): AwsManagedPolicyRecord {
  const normalized = arn.replace(/^arn:[^:]+:/, 'arn:aws:');
  const hit = cache.get(normalized);
  if (hit) return hit;
  const name = normalized.slice(normalized.lastIndexOf('/') + 1);
  const file = join(DIR, `${name}.json`);
  if (!existsSync(file)) throw new MissingManagedPolicyError(arn);
  const record = JSON.parse(readFileSync(file, 'utf8')) as AwsManagedPolicyRecord;
  if (record.arn !== normalized) throw new MissingManagedPolicyError(arn);
  cache.set(normalized, record);
  return record;
}

/** The names of every stored AWS-managed policy. */
export function storedAwsManagedPolicies(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}
