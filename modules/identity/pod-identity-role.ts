import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { awsContext } from '../internal/aws-context.ts';
import { policyDocument, unscopedWriteActions, type PolicyStatement } from '../internal/iam.ts';
import { requireProps } from '../internal/props.ts';

/** A Kubernetes service account, by namespace and name. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

export interface PodIdentityRoleProps {
  /** The cluster's literal name: it is matched against Pod Identity's session tag. */
  readonly clusterName: string;
  readonly roleName: string;
  /** The service accounts that get this role; all must share one namespace. */
  readonly serviceAccounts: readonly ServiceAccountRef[];
  /** What the role may do. A write action on `*` is refused. */
  readonly statements: readonly PolicyStatement[];
}

/**
 * An IAM role for pods through EKS Pod Identity: trusted only by Pod
 * Identity, only for this account, this cluster and the named service
 * accounts, with one inline least-privilege policy and an association per
 * service account.
 */
export class PodIdentityRole extends Construct {
  readonly roleArn: string;
  readonly roleName: string;
  /** The associations; a workload must start after them to get credentials. */
  readonly associations: EksPodIdentityAssociation[];

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    const { accountId } = awsContext(this);
    const namespaces = [...new Set(props.serviceAccounts.map((sa) => sa.namespace))];
    requireProps(props.serviceAccounts.length > 0, 'PodIdentityRole', id, 'serviceAccounts must name at least one service account');
    requireProps(
      namespaces.length === 1,
      'PodIdentityRole',
      id,
      `serviceAccounts must share one namespace (got ${namespaces.join(', ')}); use one role per namespace`,
    );
    requireProps(props.statements.length > 0, 'PodIdentityRole', id, 'statements must grant something');
    const unscoped = props.statements.flatMap(unscopedWriteActions);
    requireProps(
      unscoped.length === 0,
      'PodIdentityRole',
      id,
      `statements allow write actions on every resource ("*"): ${unscoped.join(', ')}; name the resources instead`,
    );

    const role = new IamRole(this, 'Role', {
      name: props.roleName,
      assumeRolePolicy: policyDocument([podIdentityTrust(accountId, props.clusterName, props.serviceAccounts)]),
    });
    new IamRolePolicy(this, 'Policy', { role: role.name, name: 'least-privilege', policy: policyDocument(props.statements) });
    this.roleArn = role.arn;
    this.roleName = role.name;
    this.associations = props.serviceAccounts.map(
      (sa) =>
        new EksPodIdentityAssociation(this, `Association-${sa.name}`, {
          clusterName: props.clusterName,
          namespace: sa.namespace,
          serviceAccount: sa.name,
          roleArn: role.arn,
        }),
    );
  }
}

/**
 * Trust for EKS Pod Identity, on behalf of one account, for the named service
 * accounts of one cluster only: Pod Identity tags each session with the
 * cluster, namespace and service account, and the condition checks all three.
 */
export function podIdentityTrust(accountId: string, clusterName: string, serviceAccounts: readonly ServiceAccountRef[]): PolicyStatement {
  return {
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringEquals: {
        'aws:SourceAccount': accountId,
        'aws:RequestTag/eks-cluster-name': clusterName,
        'aws:RequestTag/kubernetes-namespace': [...new Set(serviceAccounts.map((sa) => sa.namespace))],
        'aws:RequestTag/kubernetes-service-account': serviceAccounts.map((sa) => sa.name),
      },
    },
  };
}
