import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzePlan, formatReport, plannedPolicies, type PlannedPolicy, type ValidatePolicyFinding } from '../../../tools/ci/access-analyzer.ts';
import { parsePlan } from '../../../tools/plan-summary/plan-format.ts';
import { scratchDir } from '../../helpers/synth.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const wide = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }] });
const bucketPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });

/** A JSON plan that creates a role with a trust and an inline policy, changes a bucket policy, and adds a key whose policy is not known yet. */
const plan = parsePlan({
  format_version: '1.2',
  resource_changes: [
    { address: 'aws_iam_role.forwarder', mode: 'managed', type: 'aws_iam_role', name: 'forwarder', change: { actions: ['create'], before: null, after: { assume_role_policy: trust, inline_policy: [{ name: 'x', policy: wide }] }, after_unknown: {} } },
    { address: 'aws_s3_bucket_policy.documents', mode: 'managed', type: 'aws_s3_bucket_policy', name: 'documents', change: { actions: ['update'], before: {}, after: { policy: bucketPolicy }, after_unknown: {} } },
    { address: 'aws_kms_key.new', mode: 'managed', type: 'aws_kms_key', name: 'new', change: { actions: ['create'], before: null, after: {}, after_unknown: { policy: true } } },
    { address: 'aws_iam_role_policy.gone', mode: 'managed', type: 'aws_iam_role_policy', name: 'gone', change: { actions: ['delete'], before: { policy: wide }, after: null, after_unknown: {} } },
    { address: 'data.aws_iam_policy_document.x', mode: 'data', type: 'aws_iam_role_policy', name: 'x', change: { actions: ['read'], before: null, after: { policy: wide }, after_unknown: {} } },
  ],
});

/** What ValidatePolicy answered for each document, as recorded; any other document has no findings. */
const RECORDED: Record<string, ValidatePolicyFinding[]> = {
  [wide]: [
    {
      findingType: 'SECURITY_WARNING',
      issueCode: 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
      findingDetails: 'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources.',
      learnMoreLink: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource',
    },
  ],
  [bucketPolicy]: [{ findingType: 'SUGGESTION', issueCode: 'EMPTY_OBJECT_PRINCIPAL', findingDetails: 'example', learnMoreLink: 'https://example.com' }],
};

describe('IAM Access Analyzer over a plan (tools/ci/access-analyzer.ts)', () => {
  it('finds every policy document the plan would write, as ValidatePolicy reads each kind, and names those known only after apply', () => {
    const { policies, unknown } = plannedPolicies(plan);
    expect(policies.map((p) => [p.source, p.policyType, p.resourceType])).toEqual([
      ['aws_iam_role.forwarder (assume_role_policy)', 'RESOURCE_POLICY', 'AWS::IAM::AssumeRolePolicyDocument'],
      ['aws_iam_role.forwarder (inline_policy)', 'IDENTITY_POLICY', undefined],
      ['aws_s3_bucket_policy.documents (policy)', 'RESOURCE_POLICY', 'AWS::S3::Bucket'],
    ]);
    expect(unknown).toEqual(['aws_kms_key.new (policy)']);
  });

  it('fails on a security warning or an error, and lists warnings and suggestions', async () => {
    const validate = async (p: PlannedPolicy) => RECORDED[p.document] ?? [];
    const report = await analyzePlan(plan, validate);
    expect(report.checked).toBe(3);
    expect(report.blocking).toBe(true);
    expect(report.findings.map((f) => [f.findingType, f.source])).toEqual([
      ['SECURITY_WARNING', 'aws_iam_role.forwarder (inline_policy)'],
      ['SUGGESTION', 'aws_s3_bucket_policy.documents (policy)'],
    ]);
    const markdown = formatReport('hexabid-staging', report);
    expect(markdown).toContain('3 policy documents checked: 2 findings, which fail the plan gate');
    expect(markdown).toContain('[PASS_ROLE_WITH_STAR_IN_RESOURCE](https://docs.aws.amazon.com/');
    expect(markdown).toContain('Not checked, known only after apply: `aws_kms_key.new (policy)`');
    const suggestionsOnly = await analyzePlan(plan, async (p) => (p.document === bucketPolicy ? RECORDED[bucketPolicy]! : []));
    expect(suggestionsOnly.blocking).toBe(false);
  });
});

describe('npm run ci:access-analyzer', () => {
  /** A stand-in `aws` that answers validate-policy from the recorded findings, and logs its arguments. */
  function fakeAws(): { bin: string; log: string } {
    const bin = scratchDir('hexabid-aws');
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'recorded.json'), JSON.stringify(RECORDED));
    writeFileSync(
      join(bin, 'aws'),
      `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
if (args[0] !== 'accessanalyzer' || args[1] !== 'validate-policy') { console.error('unexpected'); process.exit(9); }
const document = args[args.indexOf('--policy-document') + 1];
const recorded = JSON.parse(fs.readFileSync(${JSON.stringify(join(bin, 'recorded.json'))}, 'utf8'));
console.log(JSON.stringify({ findings: recorded[document] || [] }));
`,
    );
    chmodSync(join(bin, 'aws'), 0o755);
    return { bin, log };
  }

  it('calls the AWS CLI once per document, with its type, writes the section, and exits 1 on a security warning', async () => {
    const { bin, log } = fakeAws();
    const dir = scratchDir('hexabid-analyzer');
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const result = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', 'tools/ci/cli/access-analyzer.ts', planFile, '--stack', 'hexabid-staging', '--output', join(dir, 'access.md')], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('::error::hexabid-staging aws_iam_role.forwarder (inline_policy): SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE');
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls).toHaveLength(3);
    const typeOf = (call: string[]) => [call[call.indexOf('--policy-type') + 1], call.includes('--validate-policy-resource-type') ? call[call.indexOf('--validate-policy-resource-type') + 1] : undefined];
    expect(calls.map(typeOf).sort()).toEqual([['IDENTITY_POLICY', undefined], ['RESOURCE_POLICY', 'AWS::IAM::AssumeRolePolicyDocument'], ['RESOURCE_POLICY', 'AWS::S3::Bucket']]);
    expect(readFileSync(join(dir, 'access.md'), 'utf8')).toContain('#### IAM Access Analyzer: `hexabid-staging`');
  });
});
