/**
 * IAM Access Analyzer's policy checks over a Terraform plan: every policy
 * document the plan would write (identity, trust, bucket, key, secret, topic,
 * queue, domain, repository and log policies) goes to AWS's ValidatePolicy
 * API, and its findings decide. Errors and security warnings fail the plan
 * gate; warnings and suggestions are listed. The runner that calls AWS is
 * injected, so tests answer with recorded responses.
 */
import type { JsonValue, Plan } from '../plan-summary/plan-format.ts';

/** ValidatePolicy's policy types (API reference, ValidatePolicy, policyType). */
export type PolicyType = 'IDENTITY_POLICY' | 'RESOURCE_POLICY';

/** A policy document the plan would write, and how ValidatePolicy should read it. */
export interface PlannedPolicy {
  /** Resource address, and the attribute the document is in: `aws_iam_role.app (assume_role_policy)`. */
  readonly source: string;
  readonly policyType: PolicyType;
  /** ValidatePolicy's `validatePolicyResourceType`, for the resource types that take one. */
  readonly resourceType?: string;
  readonly document: string;
}

/** What a resource type's policy attribute is, for ValidatePolicy. */
interface PolicyAttribute {
  readonly attribute: string;
  readonly policyType: PolicyType;
  readonly resourceType?: string;
  /** The attribute is a list of blocks, each with a `policy` (a role's inline policies). */
  readonly nested?: 'policy';
}

/**
 * Where each Terraform resource type keeps a policy document. ValidatePolicy
 * takes a resource type only for those its API reference lists
 * (`validatePolicyResourceType`: AWS::S3::Bucket, AWS::IAM::AssumeRolePolicyDocument
 * and the S3 access points); for others, a KMS key's say, it runs the checks
 * that apply to every resource policy.
 */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly PolicyAttribute[]>> = {
  aws_iam_role: [
    { attribute: 'assume_role_policy', policyType: 'RESOURCE_POLICY', resourceType: 'AWS::IAM::AssumeRolePolicyDocument' },
    { attribute: 'inline_policy', policyType: 'IDENTITY_POLICY', nested: 'policy' },
  ],
  aws_iam_role_policy: [{ attribute: 'policy', policyType: 'IDENTITY_POLICY' }],
  aws_iam_policy: [{ attribute: 'policy', policyType: 'IDENTITY_POLICY' }],
  aws_s3_bucket_policy: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY', resourceType: 'AWS::S3::Bucket' }],
  aws_kms_key: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_secretsmanager_secret: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_secretsmanager_secret_policy: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_sns_topic_policy: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_sqs_queue_policy: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_opensearch_domain: [{ attribute: 'access_policies', policyType: 'RESOURCE_POLICY' }],
  aws_ecr_repository_policy: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_ecr_registry_policy: [{ attribute: 'policy', policyType: 'RESOURCE_POLICY' }],
  aws_cloudwatch_log_resource_policy: [{ attribute: 'policy_document', policyType: 'RESOURCE_POLICY' }],
};

/** The policies a plan would write, and those it cannot show yet (a value known only after apply). */
export function plannedPolicies(plan: Plan): { policies: PlannedPolicy[]; unknown: string[] } {
  const policies: PlannedPolicy[] = [];
  const unknown: string[] = [];
  for (const change of plan.resource_changes) {
    const actions: readonly string[] = change.change.actions;
    if (change.mode !== 'managed' || !(actions.includes('create') || actions.includes('update'))) continue;
    const after = asObject(change.change.after);
    const afterUnknown = asObject(change.change.after_unknown);
    for (const spec of POLICY_ATTRIBUTES[change.type] ?? []) {
      const source = `${change.address} (${spec.attribute})`;
      if (afterUnknown?.[spec.attribute] === true) {
        unknown.push(source);
        continue;
      }
      const value = after?.[spec.attribute];
      const documents = spec.nested ? (Array.isArray(value) ? value : []).map((block) => asObject(block)?.[spec.nested!]) : [value];
      for (const document of documents) {
        if (typeof document === 'string' && document.trim() !== '') {
          policies.push({ source, policyType: spec.policyType, ...(spec.resourceType ? { resourceType: spec.resourceType } : {}), document });
        }
      }
    }
  }
  return { policies, unknown };
}

function asObject(value: JsonValue | undefined): { readonly [key: string]: JsonValue } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { readonly [key: string]: JsonValue }) : undefined;
}

/** A finding as ValidatePolicy returns it (API reference, ValidatePolicyFinding). */
export interface ValidatePolicyFinding {
  readonly findingType: 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION';
  readonly issueCode: string;
  readonly findingDetails: string;
  readonly learnMoreLink?: string;
}

/** Asks ValidatePolicy about one policy; resolves with its findings. */
export type ValidatePolicy = (policy: PlannedPolicy) => Promise<readonly ValidatePolicyFinding[]>;

/** Finding types that fail the plan gate: a policy AWS would refuse, or one that grants more than it seems to. */
export const BLOCKING_FINDINGS: readonly ValidatePolicyFinding['findingType'][] = ['ERROR', 'SECURITY_WARNING'];

export interface AccessAnalyzerReport {
  readonly checked: number;
  readonly unknown: readonly string[];
  readonly findings: readonly (ValidatePolicyFinding & { readonly source: string })[];
  readonly blocking: boolean;
}

/** Validates every policy the plan would write, a few at a time. */
export async function analyzePlan(plan: Plan, validate: ValidatePolicy, concurrency = 4): Promise<AccessAnalyzerReport> {
  const { policies, unknown } = plannedPolicies(plan);
  const findings: AccessAnalyzerReport['findings'][number][] = [];
  for (let i = 0; i < policies.length; i += concurrency) {
    const batch = policies.slice(i, i + concurrency);
    const answers = await Promise.all(batch.map(validate));
    answers.forEach((found, j) => findings.push(...found.map((f) => ({ ...f, source: batch[j]!.source }))));
  }
  return { checked: policies.length, unknown, findings, blocking: findings.some((f) => BLOCKING_FINDINGS.includes(f.findingType)) };
}

/** The report as a section of the stack's PR comment. */
export function formatReport(stack: string, report: AccessAnalyzerReport): string {
  const lines = [`#### IAM Access Analyzer: \`${stack}\``, ''];
  lines.push(
    report.findings.length === 0
      ? `${report.checked} policy documents checked: no findings.`
      : `${report.checked} policy documents checked: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${report.blocking ? ', which fail the plan gate (errors and security warnings)' : ''}.`,
  );
  if (report.findings.length > 0) {
    lines.push('', '| type | policy | issue | detail |', '| --- | --- | --- | --- |');
    for (const f of report.findings) {
      const detail = f.findingDetails.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
      lines.push(`| ${f.findingType} | \`${f.source}\` | ${f.learnMoreLink ? `[${f.issueCode}](${f.learnMoreLink})` : f.issueCode} | ${detail} |`);
    }
  }
  if (report.unknown.length > 0) {
    lines.push('', `Not checked, known only after apply: ${report.unknown.map((s) => `\`${s}\``).join(', ')}. The next plan checks them.`);
  }
  return `${lines.join('\n')}\n`;
}
