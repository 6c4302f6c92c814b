/**
 * A NAT instance: one small Graviton EC2 instance that masquerades the
 * private subnets' traffic to the internet, in place of a managed NAT
 * gateway, for an environment where an hour of egress lost to a replaced
 * instance costs nothing (dev). It runs Amazon Linux 2023 (the AMI AWS
 * publishes under the SSM parameter below, read once: a new AMI does not
 * replace the instance, so reaching the internet does not depend on a plan),
 * with IMDSv2 only, an encrypted root, no SSH (Session Manager instead), and
 * a security group that admits only the VPC. EC2's simplified automatic
 * recovery, on by default for this type, restarts it on a failed host.
 */
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { awsContext } from './aws-context.ts';
import { managedPolicyArn, serviceTrustPolicy } from './iam.ts';

/** Amazon Linux 2023 for arm64, as AWS publishes it in every Region. */
export const NAT_INSTANCE_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

/** The smallest Graviton type: a dev environment's egress fits in its network baseline. */
export const NAT_INSTANCE_TYPE = 't4g.nano';

/** Forwarding on, and masquerading out of the instance's own interface, now and after a reboot. */
const USER_DATA = [
  '#!/bin/bash',
  'set -euo pipefail',
  'dnf install -y iptables-services',
  "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf",
  'sysctl --system',
  "iface=$(ip -o -4 route show to default | awk '{print $5}')",
  'iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE',
  'iptables -F FORWARD',
  'service iptables save',
  'systemctl enable --now iptables',
  '',
].join('\n');

export interface NatInstanceProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  /** The VPC's range: the only traffic it forwards. */
  readonly vpcCidr: string;
  /** A public subnet, routed to the internet gateway. */
  readonly subnetId: string;
}

export class NatInstance extends Construct {
  /** The instance's primary network interface: the private route tables' target. */
  readonly networkInterfaceId: string;
  readonly instanceId: string;

  constructor(scope: Construct, id: string, props: NatInstanceProps) {
    super(scope, id);
    const { partition } = awsContext(this);
    const name = `${props.namePrefix}-nat`;
    const group = new SecurityGroup(this, 'SecurityGroup', {
      name,
      description: `NAT instance of ${props.namePrefix}: forwards the VPC's traffic to the internet`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    new VpcSecurityGroupIngressRule(this, 'FromVpc', { securityGroupId: group.id, cidrIpv4: props.vpcCidr, ipProtocol: '-1', description: 'Traffic of the VPC, to forward' });
    new VpcSecurityGroupEgressRule(this, 'ToInternet', { securityGroupId: group.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1', description: 'Forwarded traffic, to the internet' });

    // Session Manager in place of SSH, as on the cluster's nodes.
    const role = new IamRole(this, 'Role', { name, assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com') });
    new IamRolePolicyAttachment(this, 'SessionManager', { role: role.name, policyArn: managedPolicyArn(partition, 'AmazonSSMManagedInstanceCore') });
    const profile = new IamInstanceProfile(this, 'Profile', { name, role: role.name });

    const ami = new DataAwsSsmParameter(this, 'Ami', { name: NAT_INSTANCE_AMI_PARAMETER });
    const instance = new Instance(this, 'Instance', {
      ami: ami.value,
      instanceType: NAT_INSTANCE_TYPE,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [group.id],
      iamInstanceProfile: profile.name,
      // It forwards packets that are neither from it nor to it.
      sourceDestCheck: false,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      // One-minute metrics, as the cluster's nodes have; a t4g is EBS-optimized anyway, so saying so costs nothing.
      monitoring: true,
      ebsOptimized: true,
      rootBlockDevice: { volumeType: 'gp3', volumeSize: 8, encrypted: true, deleteOnTermination: true },
      // Plain text: the provider encodes it (a launch template's user data, by contrast, is given encoded).
      userData: USER_DATA,
      tags: { Name: name },
      // A newer AMI is taken by replacing the instance on purpose (`terraform apply -replace`), not by every plan.
      lifecycle: { ignoreChanges: ['ami'] },
    });
    new Eip(this, 'Eip', { domain: 'vpc', instance: instance.id, tags: { Name: name } });
    this.networkInterfaceId = instance.primaryNetworkInterfaceId;
    this.instanceId = instance.id;
  }
}
