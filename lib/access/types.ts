/**
 * The shapes the access engine works with: policies as IAM reads them, the
 * requests it answers, and the answers.
 */

/** A context value as IAM sees it: strings, or a list for multivalued keys. */
export type ContextValue = string | number | boolean | readonly (string | number | boolean)[];

/** Request context keys (case-insensitive, as in IAM) to their values. */
export type RequestContext = Readonly<Record<string, ContextValue>>;

/** The `Principal` / `NotPrincipal` element, normalized: `'*'` or lists per kind. */
export type PrincipalBlock =
  | '*'
  | Readonly<{ AWS?: readonly string[]; Service?: readonly string[]; Federated?: readonly string[]; CanonicalUser?: readonly string[] }>;

/** `{ operator: { key: values } }`, values as strings (IAM compares strings). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** One statement, normalized: every list element is an array. */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalBlock;
  readonly notPrincipal?: PrincipalBlock;
  readonly condition?: ConditionBlock;
}

/** What kind of policy a statement came from. */
export type PolicyKind =
  | 'inline'
  | 'customer-managed'
  | 'aws-managed'
  | 'permissions-boundary'
  | 'trust'
  | 'resource'
  | 'external'
  | 'modelled';

/** Where a policy is written: enough for a person to find it. */
export interface PolicySource {
  readonly kind: PolicyKind;
  /** The stack that holds it, or `aws` for AWS-managed policies and AWS's templates. */
  readonly stack: string;
  /** Terraform address (`aws_iam_role_policy.X`), or the managed policy's ARN. */
  readonly address: string;
  /** A short label: the policy's name, the resource it protects. */
  readonly label?: string;
}

/** A parsed policy document with its origin. */
export interface Policy {
  readonly source: PolicySource;
  /** `2012-10-17` or `2008-10-17`; policy variables work only in the former. */
  readonly version: string;
  readonly statements: readonly Statement[];
}

/** A raw IAM policy document (JSON object) as written by a person or a test. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: unknown;
}

/** The engine's answer. */
export interface Decision {
  readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny';
  /** The statements that decided, or why none did: `stack address Sid (kind)`. */
  readonly because: readonly string[];
}

/** A principal outside the stacks (a person, another account's role) with the policies it carries. */
export interface ExternalPrincipal {
  /** IAM user, role, assumed-role session or account root ARN. */
  readonly arn: string;
  /** Its identity-based policies; none unless given. */
  readonly identityPolicies?: readonly PolicyDocument[];
  /** Its permissions boundary, if it has one. */
  readonly permissionsBoundary?: PolicyDocument;
  /** Tags on the user or role (`aws:PrincipalTag/...`). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A principal that calls AWS: an ARN known to the stacks, an external principal, or a service. */
export type PrincipalInput =
  | string
  | ExternalPrincipal
  | Readonly<{ service: string }>
  | Readonly<{ session: SessionInput }>;

/** A role session with session tags, as a workload gets it. */
export interface SessionInput {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly sessionTags?: Readonly<Record<string, string>>;
}

/** One question: may this principal call this action on this resource? */
export interface AccessRequest {
  readonly principal: PrincipalInput;
  readonly action: string;
  /** The resource ARN, or `*` for actions without resources. */
  readonly resource: string;
  /** Request-specific context keys (`kms:ViaService`, `aws:MultiFactorAuthPresent`, ...); they override what the engine fills in. */
  readonly context?: RequestContext;
}
