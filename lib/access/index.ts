/**
 * The access engine: loads synthesized Terraform stacks and answers who may
 * do what, as AWS IAM and EKS would. A ground-floor library: it reads stacks
 * as JSON and imports nothing of the project above `lib/`.
 */
export { AccessModel, type AccessModelOptions, loadAccessModel } from './access-model.ts';
export type { AssumeCaller, AssumeOptions, ReachableRole, WebIdentityCaller } from './assume.ts';
export { arnLikeMatches, parseArn, resourceMatches } from './arn.ts';
export { awsManagedPolicy, MissingManagedPolicyError, storedAwsManagedPolicies } from './aws-managed-policies.ts';
export { conditionHolds, ConditionOperatorError } from './conditions.ts';
export { findDuplicateNames, type DuplicateName, type FixedName } from './duplicate-names.ts';
export { EKS_ACCESS_POLICIES } from './eks-access-policies.ts';
export type { Inventory, InventoryProblem, OidcProviderEntry, ResourceEntry, RoleEntry, Workload } from './inventory.ts';
export type { KubeDecision, KubeRequest } from './kubernetes-rbac.ts';
export { PolicyDocumentError } from './policy-document.ts';
export { SAR_APPLICATIONS } from './sar-templates.ts';
export { validateNames, type NameFinding } from './service-reference.ts';
export { AccessModelLoadError, type StackInput } from './stack-set.ts';
export type * from './types.ts';
