import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

export interface IngressSecurityGroupProps {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly port: number;
  /** Only these security groups may connect; nothing else, and no CIDR. */
  readonly sourceSecurityGroupIds: readonly string[];
}

/**
 * A security group for a managed data store: one TCP port from named source
 * groups, and no egress rule at all (managed endpoints only answer).
 */
export class IngressSecurityGroup extends Construct {
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: IngressSecurityGroupProps) {
    super(scope, id);
    const group = new SecurityGroup(this, 'Group', {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: props.name },
    });
    props.sourceSecurityGroupIds.forEach(
      (source, i) =>
        new VpcSecurityGroupIngressRule(this, `From${i}`, {
          securityGroupId: group.id,
          referencedSecurityGroupId: source,
          ipProtocol: 'tcp',
          fromPort: props.port,
          toPort: props.port,
          description: `${props.description}: port ${props.port}`,
        }),
    );
    this.securityGroupId = group.id;
  }
}
