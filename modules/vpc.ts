import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Ec2SubnetCidrReservation } from '@cdktf/provider-aws/lib/ec2-subnet-cidr-reservation';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { NetworkAcl } from '@cdktf/provider-aws/lib/network-acl';
import { NetworkAclRule } from '@cdktf/provider-aws/lib/network-acl-rule';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc as AwsVpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { upperHalf } from '../lib/cidr.ts';
import { awsContext } from './internal/aws-context.ts';
import { NatInstance } from './internal/nat-instance.ts';
import { policyDocument, serviceTrustPolicy } from './internal/iam.ts';
import { requireProps, withDefaults } from './internal/props.ts';
import { EncryptionKey } from './security/kms-key.ts';

export interface VpcProps {
  /** Prefix for every name, e.g. `hexabid-prod`. */
  readonly namePrefix: string;
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  /** One per zone, in zone order. */
  readonly publicSubnets: readonly string[];
  /** One per zone, in zone order. */
  readonly privateSubnets: readonly string[];
  /** One per zone, in zone order. */
  readonly databaseSubnets: readonly string[];
  /** EKS cluster that will discover these subnets through their tags. */
  readonly eksClusterName: string;
  /**
   * One NAT gateway for every zone, a single shared one (cheaper, but a zone
   * outage cuts the others' egress), or a NAT instance (a t4g.nano in the
   * first public subnet: a fraction of a gateway's price, and no managed
   * failover, for an environment that can lose egress for a while).
   * @default 'one-per-az'
   */
  readonly natGateways?: 'single' | 'one-per-az' | 'instance';
  /**
   * Retention of the VPC flow log group.
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Ports the database tier's NACL admits from the private subnets.
   * @default [5432, 6379, 443] (PostgreSQL, Redis/Valkey, OpenSearch)
   */
  readonly databasePorts?: readonly number[];
  /**
   * Reserves the upper half of each private subnet for VPC CNI prefixes (a
   * subnet CIDR reservation of type `prefix`), so node and ENI addresses
   * scattered over the subnet never leave it without a free, aligned /28:
   * EKS's advice for prefix delegation.
   * @default false
   */
  readonly prefixReservation?: boolean;
}

/** Every default of {@link VpcProps}, applied in one place. */
export const VPC_DEFAULTS = {
  natGateways: 'one-per-az',
  flowLogRetentionDays: 365,
  databasePorts: [5432, 6379, 443],
  prefixReservation: false,
} as const satisfies Partial<VpcProps>;

/**
 * A three-tier VPC: public subnets for load balancers and NAT, private
 * subnets for EKS, and database subnets with no route to the internet.
 * Flow logs are on, the default security group is empty, and a NACL fences
 * the database tier.
 */
export class Vpc extends Construct {
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly databaseSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly natGatewayIds: string[];
  readonly flowLogGroupName: string;

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    const p = withDefaults(props, VPC_DEFAULTS);
    const name = p.namePrefix;
    const zones = p.availabilityZones;
    for (const tier of ['publicSubnets', 'privateSubnets', 'databaseSubnets'] as const) {
      requireProps(
        p[tier].length === zones.length,
        'Vpc',
        name,
        `${tier} must hold one CIDR per availability zone (${zones.length}), not ${p[tier].length}`,
      );
    }
    const natStrategy = p.natGateways;
    const dataPorts = p.databasePorts;

    const vpc = new AwsVpc(this, 'Vpc', {
      cidrBlock: p.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = vpc.id;
    this.vpcCidrBlock = vpc.cidrBlock;

    // An empty default security group: nothing may fall back on it.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: vpc.id, tags: { Name: `${name}-default-deny` } });

    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: vpc.id, tags: { Name: name } });
    const clusterTag = { [`kubernetes.io/cluster/${p.eksClusterName}`]: 'shared' };

    const makeSubnets = (tier: string, cidrs: readonly string[], tags: Record<string, string>) =>
      cidrs.map(
        (cidr, i) =>
          new Subnet(this, `${tier}Subnet${i}`, {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: zones[i],
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-${tier.toLowerCase()}-${zones[i]}`, tier: tier.toLowerCase(), ...tags },
          }),
      );
    const publicSubnets = makeSubnets('Public', p.publicSubnets, { ...clusterTag, 'kubernetes.io/role/elb': '1' });
    const privateSubnets = makeSubnets('Private', p.privateSubnets, { ...clusterTag, 'kubernetes.io/role/internal-elb': '1' });
    const databaseSubnets = makeSubnets('Database', p.databaseSubnets, {});
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.databaseSubnetIds = databaseSubnets.map((s) => s.id);
    if (p.prefixReservation) {
      p.privateSubnets.forEach((cidr, i) => {
        const reserved = upperHalf(cidr);
        requireProps(reserved !== undefined, 'Vpc', name, `privateSubnets[${i}] ${cidr} is not a CIDR block that can be halved for prefixReservation`);
        new Ec2SubnetCidrReservation(this, `PrivatePrefixReservation${i}`, {
          subnetId: privateSubnets[i]!.id,
          cidrBlock: reserved!,
          reservationType: 'prefix',
          description: `VPC CNI /28 prefixes for pods in ${zones[i]}`,
        });
      });
    }

    const publicRoutes = new RouteTable(this, 'PublicRouteTable', { vpcId: vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, 'PublicInternetRoute', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `PublicRouteAssociation${i}`, { subnetId: s.id, routeTableId: publicRoutes.id }));

    const natCount = natStrategy === 'instance' ? 0 : natStrategy === 'single' ? 1 : zones.length;
    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `NatEip${i}`, { domain: 'vpc', tags: { Name: `${name}-nat-${zones[i]}` } });
      return new NatGateway(this, `NatGateway${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i]!.id,
        tags: { Name: `${name}-${zones[i]}` },
        dependsOn: [igw],
      });
    });
    this.natGatewayIds = nats.map((n) => n.id);
    const natInstance = natStrategy === 'instance' ? new NatInstance(this, 'NatInstance', { namePrefix: name, vpcId: vpc.id, vpcCidr: p.cidr, subnetId: publicSubnets[0]!.id }) : undefined;

    const privateRouteTables = privateSubnets.map((s, i) => {
      const table = new RouteTable(this, `PrivateRouteTable${i}`, { vpcId: vpc.id, tags: { Name: `${name}-private-${zones[i]}` } });
      new Route(this, `PrivateNatRoute${i}`, {
        routeTableId: table.id,
        destinationCidrBlock: '0.0.0.0/0',
        ...(natInstance ? { networkInterfaceId: natInstance.networkInterfaceId } : { natGatewayId: nats[Math.min(i, nats.length - 1)]!.id }),
      });
      new RouteTableAssociation(this, `PrivateRouteAssociation${i}`, { subnetId: s.id, routeTableId: table.id });
      return table;
    });
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    // The database tier's table holds only the implicit local route.
    const databaseRoutes = new RouteTable(this, 'DatabaseRouteTable', { vpcId: vpc.id, tags: { Name: `${name}-database` } });
    databaseSubnets.forEach((s, i) => new RouteTableAssociation(this, `DatabaseRouteAssociation${i}`, { subnetId: s.id, routeTableId: databaseRoutes.id }));

    // S3 traffic from the nodes stays on the AWS network and skips NAT charges.
    const { region } = awsContext(this);
    new VpcEndpoint(this, 'S3GatewayEndpoint', {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [publicRoutes.id, ...this.privateRouteTableIds],
      tags: { Name: `${name}-s3` },
    });

    this.databaseNetworkAcl(vpc.id, name, props, databaseSubnets.map((s) => s.id), dataPorts);
    this.flowLogGroupName = this.flowLogs(vpc.id, name, p.flowLogRetentionDays);
  }

  /**
   * Stateless filter on the database tier: the data ports from the private
   * subnets, replies back to them, and traffic within the tier (replication).
   */
  private databaseNetworkAcl(vpcId: string, name: string, props: VpcProps, subnetIds: string[], ports: readonly number[]): void {
    const acl = new NetworkAcl(this, 'DatabaseNetworkAcl', { vpcId, subnetIds, tags: { Name: `${name}-database` } });
    let ruleNumber = 100;
    const rule = (id: string, egress: boolean, cidrBlock: string, protocol: string, fromPort: number, toPort: number) =>
      new NetworkAclRule(this, id, {
        networkAclId: acl.id,
        ruleNumber: (ruleNumber += 10),
        egress,
        protocol,
        ruleAction: 'allow',
        cidrBlock,
        fromPort,
        toPort,
      });
    props.privateSubnets.forEach((cidr, i) => {
      ports.forEach((port) => rule(`DatabaseIngressPrivate${i}Port${port}`, false, cidr, 'tcp', port, port));
      rule(`DatabaseEgressPrivate${i}Replies`, true, cidr, 'tcp', 1024, 65535);
    });
    props.databaseSubnets.forEach((cidr, i) => {
      rule(`DatabaseIngressIntraTier${i}`, false, cidr, '-1', 0, 0);
      rule(`DatabaseEgressIntraTier${i}`, true, cidr, '-1', 0, 0);
    });
  }

  private flowLogs(vpcId: string, name: string, retentionInDays: number): string {
    const logGroupName = `/aws/vpc/${name}/flow-logs`;
    const key = new EncryptionKey(this, 'FlowLogKey', {
      aliasName: `${name}-vpc-flow-logs`,
      description: `Encrypts ${name} VPC flow logs`,
      cloudWatchLogGroupPrefix: logGroupName,
    });
    const group = new CloudwatchLogGroup(this, 'FlowLogGroup', { name: logGroupName, retentionInDays, kmsKeyId: key.keyArn });
    const role = new IamRole(this, 'FlowLogRole', {
      name: `${name}-vpc-flow-logs`,
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', { sourceAccount: awsContext(this).accountId }),
    });
    new IamRolePolicy(this, 'FlowLogRolePolicy', {
      role: role.id,
      name: 'write-flow-logs',
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [group.arn, `${group.arn}:*`],
        },
      ]),
    });
    new FlowLog(this, 'FlowLog', {
      vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: name },
    });
    return logGroupName;
  }
}
