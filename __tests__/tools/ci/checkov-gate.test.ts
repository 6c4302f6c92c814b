import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckovGateError, gate, parseAccepted, parseCheckovOutput } from '../../../tools/ci/checkov-gate.ts';

/** Checkov 3's `-o json` shape for one framework. */
const report = (failed: { check_id: string; resource: string; stack: string }[], parsingErrors: string[] = []) => ({
  check_type: 'terraform_json',
  results: {
    passed_checks: [],
    failed_checks: failed.map((f) => ({ check_id: f.check_id, check_name: `name of ${f.check_id}`, resource: f.resource, file_path: `/cdktf.out/stacks/${f.stack}/cdk.tf.json` })),
    skipped_checks: [],
    parsing_errors: parsingErrors,
  },
  summary: { passed: 0, failed: failed.length },
});

const ACCEPTED = `
accepted:
  - check: CKV_AWS_274
    resources: [aws_iam_role_policy_attachment.PlatformAdmin_*]
    stacks: [hexabid-bootstrap]
    reason: The platform admin administers the account on purpose.
  - check: CKV_AWS_144
    resources: [aws_s3_bucket.*AccessLogs*]
    reason: Access logs are not replicated; they are evidence of this region only.
`;

describe('the Checkov gate', () => {
  const accepted = parseAccepted(ACCEPTED);

  it('passes accepted findings, and fails the rest, naming them', () => {
    const { findings } = parseCheckovOutput(
      report([
        { check_id: 'CKV_AWS_274', resource: 'aws_iam_role_policy_attachment.PlatformAdmin_Managed_1', stack: 'hexabid-bootstrap' },
        { check_id: 'CKV_AWS_274', resource: 'aws_iam_role_policy_attachment.PlatformAdmin_Managed_1', stack: 'hexabid-dev' },
        { check_id: 'CKV_AWS_144', resource: 'aws_s3_bucket.Documents_AccessLogs_Bucket_2', stack: 'hexabid-production' },
        { check_id: 'CKV_AWS_18', resource: 'aws_s3_bucket.Documents_Bucket_3', stack: 'hexabid-production' },
      ]),
    );
    const result = gate(findings, accepted);
    expect(result.accepted).toBe(2);
    expect(result.unaccepted.map((f) => `${f.checkId} ${f.stack}`)).toEqual(['CKV_AWS_274 hexabid-dev', 'CKV_AWS_18 hexabid-production']);
    expect(result.stale).toEqual([]);
  });

  it('reads a list of reports, a summary-only report, and parsing errors', () => {
    const { findings, parsingErrors } = parseCheckovOutput([report([], ['cdktf.out/stacks/x/cdk.tf.json']), { passed: 0, failed: 0 }]);
    expect(findings).toEqual([]);
    expect(gate(findings, accepted, parsingErrors).parsingErrors).toEqual(['cdktf.out/stacks/x/cdk.tf.json']);
  });

  it('reports entries that matched nothing as stale', () => {
    expect(gate([], accepted).stale.map((a) => a.check)).toEqual(['CKV_AWS_274', 'CKV_AWS_144']);
  });

  it('refuses an entry without a reason, an unknown field or a malformed check', () => {
    expect(() => parseAccepted('accepted:\n  - check: CKV_AWS_1\n    resources: [x]\n')).toThrow(/accepted\[0\]\.reason must say why CKV_AWS_1 is accepted/);
    expect(() => parseAccepted('accepted:\n  - check: CKV_AWS_1\n    resources: [x]\n    reason: a long enough reason here\n    until: 2027\n')).toThrow(/accepted\[0\]\.until is not a known field/);
    expect(() => parseAccepted('accepted:\n  - check: S3_1\n    resources: [x]\n    reason: a long enough reason here\n')).toThrow(CheckovGateError);
    expect(() => parseAccepted('nothing: here\n')).toThrow(/must hold `accepted:`/);
  });

  it("accepts the committed file: every entry has its reason", () => {
    const committed = parseAccepted(readFileSync(join(import.meta.dirname, '..', '..', '..', 'ci', 'checkov-accepted.yaml'), 'utf8'));
    expect(committed.length).toBeGreaterThan(0);
    for (const entry of committed) expect(entry.reason.length).toBeGreaterThan(40);
  });
});
